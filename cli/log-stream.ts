// Copying a build log to stdout as it arrives. Bytes go through undecoded (so a UTF-8 character split across chunks
// survives) but for control bytes, and stdout's backpressure is respected so a slow pager does not make the CLI
// buffer it all.
import { describeCause, type DispatchClient } from './client.js';
import { CliError } from './cli-error.js';

const NEWLINE = 0x0a;
const TAB = 0x09;

/**
 * A build's output is the tenant's: the service already strips terminal escapes before storing it, and the CLI
 * drops control bytes (ESC among them, so no escape sequence can repaint a terminal) but tab and newline, whatever
 * the server sent. Byte-wise is safe for UTF-8: no byte of a multi-byte character is below 0x80.
 */
export function withoutControlBytes(chunk: Uint8Array): Uint8Array {
  if (!chunk.some((b) => (b < 0x20 && b !== NEWLINE && b !== TAB) || b === 0x7f)) return chunk;
  return chunk.filter((b) => !((b < 0x20 && b !== NEWLINE && b !== TAB) || b === 0x7f));
}

/** The part of a Writable (process.stdout) the copy needs; tests pass a collector. */
export type Sink = { write(chunk: Uint8Array): boolean; once(event: 'drain', listener: () => void): unknown };

export type CopyOptions = {
  /**
   * The path names one build, so a stream that breaks off can be fetched again. Node's fetch gives up on a body
   * that stays silent for five minutes (pip compiling a wheel can), and the API may restart during a long build.
   */
  resumable?: boolean;
  /** Consecutive breaks without new output before giving up. */
  maxResumes?: number;
  retryDelayMs?: number;
  /** Called each time the log has been silent for `silenceMs` (a follow says what the build is doing meanwhile). */
  onSilence?: () => Promise<void>;
  silenceMs?: number;
};

/**
 * Writes the text at `path` to `sink` and answers the number of bytes of it written. A resumed stream starts again from
 * the beginning, so the bytes already written are skipped: a build's log only ever grows.
 */
export async function copyLog(
  client: Pick<DispatchClient, 'stream' | 'server'>,
  path: string,
  sink: Sink,
  { resumable = false, maxResumes = 5, retryDelayMs = 1_000, onSilence, silenceMs = 10_000 }: CopyOptions = {},
): Promise<number> {
  let lastOutput = Date.now();
  const silence = onSilence
    ? setInterval(() => {
        if (Date.now() - lastOutput < silenceMs) return;
        lastOutput = Date.now();
        void onSilence().catch(() => undefined); // a hint only: a failed look must not break the log
      }, 1_000)
    : undefined;
  try {
    return await copyStream(client, path, sink, { resumable, maxResumes, retryDelayMs }, () => {
      lastOutput = Date.now();
    });
  } finally {
    clearInterval(silence);
  }
}

async function copyStream(
  client: Pick<DispatchClient, 'stream' | 'server'>,
  path: string,
  sink: Sink,
  { resumable, maxResumes, retryDelayMs }: Required<Pick<CopyOptions, 'resumable' | 'maxResumes' | 'retryDelayMs'>>,
  onOutput: () => void,
): Promise<number> {
  let written = 0;
  let breaks = 0;
  let lastByte: number | undefined;
  for (;;) {
    const body = await client.stream(path);
    let received = 0;
    try {
      for await (const chunk of body) {
        const fresh = chunk.subarray(Math.min(chunk.length, Math.max(0, written - received)));
        received += chunk.length;
        if (!fresh.length) continue;
        written += fresh.length;
        breaks = 0;
        onOutput();
        const shown = withoutControlBytes(fresh);
        if (!shown.length) continue;
        lastByte = shown[shown.length - 1];
        if (!sink.write(shown)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
      }
      // A log whose last line was cut off still ends its line, so the shell prompt does not start after it.
      if (lastByte !== undefined && lastByte !== NEWLINE) sink.write(Uint8Array.of(NEWLINE));
      return written;
    } catch (err) {
      if (!resumable || ++breaks > maxResumes) {
        throw new CliError(`the log stream from ${client.server} broke off: ${describeCause(err)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  }
}
