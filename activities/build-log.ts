import { log } from '@temporalio/activity';
import { appendBuildLog } from '../db/builds.js';
import type { Db } from '../db/client.js';

const FLUSH_EVERY_MS = 500;
const TAIL_LINES = 25;
const STEP_MARKER = '==> dispatch: ';
// Terminal colour codes (ESC [ ... m); built from a string because a literal ESC in a regex trips the linter.
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

/**
 * Collects a build's output and writes it to Postgres in chunks (not one row per line, and never into workflow
 * history). Remembers the last lines and the last step the build announced, for the failure reason.
 */
export class BuildLog {
  private pending = '';
  private partial = '';
  private readonly tail: string[] = [];
  private timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  step = 'preparing the build';

  constructor(
    private readonly db: Db,
    private readonly buildId: string,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
  }

  write(text: string): void {
    this.pending += text;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.remember(line);
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  private remember(line: string): void {
    if (line.startsWith(STEP_MARKER)) this.step = line.slice(STEP_MARKER.length);
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }

  /** The last lines of output, without the terminal colours and carriage returns tools like pip and apt emit. */
  lastLines(): string {
    return [...this.tail, this.partial]
      .map((line) => line.replace(ANSI_ESCAPE, '').replace(/\r/g, ''))
      .filter((line) => line.trim())
      .join('\n');
  }

  flush(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    // Chained so chunks keep their order even when a flush is slow.
    // A lost chunk must not fail the build it describes; it is reported instead.
    this.writing = this.writing
      .then(() => appendBuildLog(this.db, this.buildId, text))
      .catch((err: unknown) => log.warn('build log chunk not stored', { buildId: this.buildId, error: String(err) }));
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
