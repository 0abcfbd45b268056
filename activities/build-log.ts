import { log } from '@temporalio/activity';
import { appendBuildLog, setBuildStep } from '../db/builds.js';
import type { Db } from '../db/client.js';
import { safeText } from '../safe-text.js';

const FLUSH_EVERY_MS = 500;
const TAIL_LINES = 25;
/** Stored chunks stay small, so a reader holds only a few of them at a time. */
const LOG_CHUNK_MAX_CHARS = 64 * 1024;

/**
 * Collects a build's output and writes it to Postgres in chunks (never into workflow history), made safe first
 * (safe-text.ts). The stored log is capped at `maxBytes`: its first half as the build prints it, then only the last
 * half is kept (in memory, bounded) and written when the build ends, after a line saying how much was dropped.
 * The step is the service's own tracking: its code names it, and a build's output can at most move it forward
 * between two of those names (`advanceTo`), never to words of its own.
 */
export class BuildLog {
  private pending = '';
  private partial = '';
  private readonly tailLines: string[] = [];
  private timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private headRoom: number;
  private readonly tailBudget: number;
  private tail: string[] = [];
  private tailChars = 0;
  private dropped = 0;
  step = 'preparing the build';
  private stepStored = '';

  constructor(
    private readonly db: Db,
    private readonly buildId: string,
    maxBytes: number,
  ) {
    // Characters, not bytes: safe text is mostly ASCII, and a multi-byte build log may use up to 4x the bytes.
    this.headRoom = Math.floor(maxBytes / 2);
    this.tailBudget = maxBytes - this.headRoom;
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
  }

  /** Output of the build itself. */
  write(raw: string): void {
    const text = safeText(raw);
    this.rememberLines(text);
    if (this.headRoom > 0) {
      const head = text.slice(0, this.headRoom);
      this.pending += head;
      this.headRoom -= head.length;
      if (this.headRoom === 0) {
        this.pending += `\n==> dispatch: the output is over this build's log limit; its last part follows when the build ends\n`;
      }
      this.keepTail(text.slice(head.length));
    } else {
      this.keepTail(text);
    }
  }

  /** A line of the service's own, which also names the step now running. */
  announce(step: string, text: string): void {
    this.step = step;
    this.line(text);
  }

  /**
   * A step named by the daemon's own `Step N/M : RUN <our script>` line in a build of our constant Dockerfile.
   * Forward only: the dependency installer runs the tenant's code, which could print such a line, so nothing it
   * prints can send the step back (or anywhere but these two steps of ours).
   */
  advanceTo(step: string, order: readonly string[]): void {
    if (order.indexOf(step) > order.indexOf(this.step)) this.step = step;
  }

  /** A line of the service's own. */
  line(text: string): void {
    this.write(`==> dispatch: ${text}\n`);
  }

  private keepTail(text: string): void {
    if (!text) return;
    this.tail.push(text);
    this.tailChars += text.length;
    while (this.tailChars > this.tailBudget) {
      const excess = this.tailChars - this.tailBudget;
      const first = this.tail[0]!;
      const cut = Math.min(excess, first.length);
      if (cut === first.length) this.tail.shift();
      else this.tail[0] = first.slice(cut);
      this.tailChars -= cut;
      this.dropped += cut;
    }
  }

  private rememberLines(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = (lines.pop() ?? '').slice(-1000);
    for (const line of lines.slice(-TAIL_LINES)) {
      if (!line.trim()) continue;
      this.tailLines.push(line.slice(0, 1000));
      if (this.tailLines.length > TAIL_LINES) this.tailLines.shift();
    }
  }

  /** The last lines of output (at most 25, each at most 1,000 characters): what explains a failure. */
  lastLines(): string[] {
    return [...this.tailLines, this.partial].filter((line) => line.trim());
  }

  flush(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    // Chained so chunks keep their order even when a flush is slow.
    // A lost chunk must not fail the build it describes; it is reported instead.
    const step = this.step;
    this.writing = this.writing
      .then(async () => {
        if (step !== this.stepStored) {
          await setBuildStep(this.db, this.buildId, step);
          this.stepStored = step;
        }
        for (let at = 0; at < text.length; at += LOG_CHUNK_MAX_CHARS) {
          await appendBuildLog(this.db, this.buildId, text.slice(at, at + LOG_CHUNK_MAX_CHARS));
        }
      })
      .catch((err: unknown) => log.warn('build log chunk not stored', { buildId: this.buildId, error: String(err) }));
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.tail.length) {
      if (this.dropped) this.pending += `\n==> dispatch: ${this.dropped} characters of output dropped here\n`;
      this.pending += this.tail.join('');
      this.tail = [];
      this.tailChars = 0;
    }
    await this.flush();
  }
}
