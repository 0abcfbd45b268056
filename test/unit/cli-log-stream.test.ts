import { describe, expect, it } from 'vitest';
import type { DispatchClient } from '../../cli/client.js';
import { logPath } from '../../cli/log-commands.js';
import { copyLog, type Sink } from '../../cli/log-stream.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A body that yields `chunks`, then either ends or breaks off as a timed-out fetch body does. */
function body(chunks: string[], breakOff = false): ReadableStream<Uint8Array> {
  let next = 0;
  // Pulled one chunk at a time: an error raised up front would discard the chunks still queued.
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk !== undefined) controller.enqueue(bytes(chunk));
      else if (breakOff) controller.error(new TypeError('terminated', { cause: new Error('Body Timeout Error') }));
      else controller.close();
    },
  });
}

/** A client whose successive stream() calls answer the given bodies; records the paths asked for. */
function client(...bodies: ReadableStream<Uint8Array>[]) {
  const paths: string[] = [];
  const stream = async (path: string) => {
    paths.push(path);
    const next = bodies.shift();
    if (!next) throw new Error('no more bodies');
    return next;
  };
  return { paths, client: { server: 'http://api.test', stream } };
}

function collector(): Sink & { text: () => string } {
  const parts: Uint8Array[] = [];
  return {
    write: (chunk) => (parts.push(chunk), true),
    once: () => undefined,
    text: () => Buffer.concat(parts).toString('utf8'),
  };
}

const instant = { retryDelayMs: 0 };

describe('copyLog', () => {
  it('copies the body through as it arrives', async () => {
    const { client: fake } = client(body(['step 1\n', 'step 2\n']));
    const out = collector();
    expect(await copyLog(fake, '/logs', out)).toBe(14);
    expect(out.text()).toBe('step 1\nstep 2\n');
  });

  it('drops control bytes, so a hostile log cannot send escape sequences to the terminal', async () => {
    const esc = String.fromCharCode(27);
    const { client: fake } = client(body([`${esc}[2J${esc}]0;owned${String.fromCharCode(7)}ok\tdone\n`, 'héllo\n']));
    const out = collector();
    await copyLog(fake, '/logs', out);
    expect(out.text()).toBe('[2J]0;ownedok\tdone\nhéllo\n');
  });

  it('ends a log whose last line was cut off with a newline', async () => {
    const { client: fake } = client(body(['step 1\n', 'Removing intermediate container']));
    const out = collector();
    await copyLog(fake, '/logs', out);
    expect(out.text()).toBe('step 1\nRemoving intermediate container\n');
  });

  it('resumes a broken build log without printing any byte twice', async () => {
    const { client: fake, paths } = client(body(['one\n', 'tw'], true), body(['one\ntwo\n', 'three\n']));
    const out = collector();
    await copyLog(fake, '/builds/b1/logs?follow=true', out, { ...instant, resumable: true });
    expect(out.text()).toBe('one\ntwo\nthree\n');
    expect(paths).toEqual(['/builds/b1/logs?follow=true', '/builds/b1/logs?follow=true']);
  });

  it('reports a break when the path is not one build, naming the cause', async () => {
    const { client: fake } = client(body(['one\n'], true));
    const out = collector();
    await expect(copyLog(fake, '/logs', out, instant)).rejects.toThrow(
      'the log stream from http://api.test broke off: Body Timeout Error',
    );
    expect(out.text()).toBe('one\n');
  });

  it('gives up after repeated breaks that bring nothing new', async () => {
    const { client: fake } = client(body(['a'], true), body(['a'], true), body(['a'], true));
    const out = collector();
    await expect(copyLog(fake, '/b', out, { ...instant, resumable: true, maxResumes: 1 })).rejects.toThrow('broke off');
    expect(out.text()).toBe('a');
  });

  it('waits for the sink to drain when it says it is full', async () => {
    const { client: fake } = client(body(['a', 'b']));
    const written: string[] = [];
    const sink: Sink = {
      write: (chunk) => (written.push(Buffer.from(chunk).toString()), false),
      once: (_event, listener) => setTimeout(listener, 1),
    };
    await copyLog(fake, '/logs', sink);
    expect(written).toEqual(['a', 'b', '\n']);
  });
});

describe('logPath', () => {
  const listing = (builds: { id: string }[]) => ({ get: async () => builds }) as unknown as DispatchClient;

  it('asks for the latest build log as is when not following', async () => {
    expect(await logPath(listing([]), 'my img', {})).toEqual({ path: '/v1/image/my%20img/logs', resumable: false });
  });

  it('asks for the named build', async () => {
    expect(await logPath(listing([]), 'py', { build: 'b1', follow: true })).toEqual({
      path: '/v1/image/py/builds/b1/logs?follow=true',
      resumable: true,
      buildId: 'b1',
    });
  });

  it('pins the latest build when following, and leaves "no builds yet" to the API', async () => {
    expect(await logPath(listing([{ id: 'new' }, { id: 'old' }]), 'py', { follow: true })).toEqual({
      path: '/v1/image/py/builds/new/logs?follow=true',
      resumable: true,
      buildId: 'new',
    });
    expect(await logPath(listing([]), 'py', { follow: true })).toEqual({
      path: '/v1/image/py/logs?follow=true',
      resumable: false,
    });
  });
});
