import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export type DockerEvent = {
  status?: string;
  progress?: string;
  id?: string;
  stream?: string;
  aux?: { ID?: string; Digest?: string };
  error?: string;
  errorDetail?: { message?: string; code?: number };
};

/** Raised when the daemon reports a failure inside a stream that otherwise ends normally. */
export class DockerStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerStreamError';
  }
}

/**
 * Reads a pull/build/push progress stream to its end. The daemon answers 200 and reports failures as an
 * `errorDetail` line, so the stream "succeeding" says nothing: every line is checked, and the first error wins.
 * `signal` aborts the read and destroys the stream (the daemon then stops the operation).
 */
export async function readDockerStream(
  stream: NodeJS.ReadableStream,
  onEvent: (event: DockerEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  // dockerode types its streams as NodeJS.ReadableStream; at run time they are Readables that can be destroyed.
  const abort = () => (stream as Readable).destroy(new Error('cancelled'));
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as DockerEvent;
      if (event.errorDetail || event.error) {
        throw new DockerStreamError(event.errorDetail?.message ?? event.error ?? 'unknown Docker error');
      }
      onEvent(event);
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  signal?.throwIfAborted();
}
