import { describe, expect, it } from 'vitest';
import { waitUntilSettled, WaitTimeoutError } from '../../cli/wait.js';

/** A fake resource that answers the given statuses in turn, then repeats the last one. */
function answering(...statuses: string[]) {
  let calls = 0;
  const fetchResource = async () => ({ status: statuses[Math.min(calls++, statuses.length - 1)], reason: [] });
  return { fetchResource, calls: () => calls };
}

const instant = { sleep: async () => undefined };

describe('waitUntilSettled', () => {
  it('reports the first status and each change, and answers the settled resource', async () => {
    const seen: string[] = [];
    const { fetchResource, calls } = answering('INITIALIZED', 'CREATING', 'CREATING', 'READY');
    const settled = await waitUntilSettled('base image py', fetchResource, {
      ...instant,
      onStatus: (status) => seen.push(status),
    });
    expect(settled.status).toBe('READY');
    expect(seen).toEqual(['INITIALIZED', 'CREATING', 'READY']);
    expect(calls()).toBe(4);
  });

  it('stops at ERROR too', async () => {
    const { fetchResource } = answering('CREATING', 'ERROR');
    const settled = await waitUntilSettled('base image py', fetchResource, { ...instant, onStatus: () => undefined });
    expect(settled.status).toBe('ERROR');
  });

  it('gives up after the timeout, naming the last status', async () => {
    let clock = 0;
    const { fetchResource } = answering('CREATING');
    const waiting = waitUntilSettled('base image py', fetchResource, {
      onStatus: () => undefined,
      intervalMs: 1_000,
      timeoutMs: 5_000,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    await expect(waiting).rejects.toThrow(WaitTimeoutError);
    await expect(waiting).rejects.toThrow('gave up waiting for base image py after 5s (last status CREATING)');
  });

  it('lets fetch errors through', async () => {
    const failing = async () => {
      throw new Error('boom');
    };
    await expect(waitUntilSettled('x', failing, { ...instant, onStatus: () => undefined })).rejects.toThrow('boom');
  });
});
