import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DockerStreamError, readDockerStream } from '../../activities/docker-stream.js';

const lines = (...events: object[]) => Readable.from(events.map((e) => `${JSON.stringify(e)}\r\n`));

describe('reading a Docker progress stream', () => {
  it('hands every event over, in order', async () => {
    const seen: string[] = [];
    await readDockerStream(lines({ status: 'Pulling' }, { status: 'Done' }), (e) => seen.push(e.status ?? ''));
    expect(seen).toEqual(['Pulling', 'Done']);
  });

  it('fails on an errorDetail line even though the stream itself ends normally', async () => {
    const stream = lines(
      { status: 'Pulling' },
      { errorDetail: { message: 'manifest unknown' }, error: 'manifest unknown' },
    );
    await expect(readDockerStream(stream, () => undefined)).rejects.toThrow(new DockerStreamError('manifest unknown'));
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const endless = new Readable({ read() {} });
    endless.push(`${JSON.stringify({ status: 'Pulling' })}\n`);
    const reading = readDockerStream(endless, () => controller.abort(), controller.signal);
    await expect(reading).rejects.toThrow();
  });
});
