// What `--wait` shows while it waits: per followed resource, its status, what its build is doing and for how long.
// On a terminal, one block of lines under an ora spinner, redrawn every second; anywhere else (a pipe, a CI log) a
// plain line each time something other than the clock changes, so scripts and logs stay readable.
import ora, { type Ora } from 'ora';

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export type Progress = {
  /** The state of one followed thing (`image web`), e.g. `CREATING: installing runtime dependencies with pip`. */
  update(label: string, state: string): void;
  /** Stops the spinner (if any), leaving the last states on screen. */
  stop(): void;
};

/** `42s`, `3m05s`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** The server's words on a terminal: no control character (C0, DEL or C1) can move the cursor or recolour it. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
export const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');

export function createProgress(
  stream: ProgressStream = process.stderr,
  now: () => number = Date.now,
  // A terminal of no known width (a pty nobody sized) cannot be redrawn in place: it gets plain lines too.
  interactive: boolean = stream.isTTY === true && (stream.columns ?? 0) > 0 && !process.env.CI,
): Progress {
  const started = now();
  const states = new Map<string, string>();
  const line = (label: string, state: string) => `${label}: ${state} (${formatElapsed(now() - started)})`;

  if (!interactive) {
    return {
      update(rawLabel, rawState) {
        const [label, state] = [printable(rawLabel), printable(rawState)];
        if (states.get(label) === state) return;
        states.set(label, state);
        console.error(line(label, state));
      },
      stop() {},
    };
  }

  let spinner: Ora | undefined;
  const render = () => [...states].map(([label, state]) => line(label, state)).join('\n');
  // The clock moves even when nothing else does: the block is redrawn every second.
  const clock = setInterval(() => spinner && (spinner.text = render()), 1000);
  clock.unref();
  return {
    update(label, state) {
      states.set(printable(label), printable(state));
      spinner ??= ora({ stream, text: render(), discardStdin: false }).start();
      spinner.text = render();
    },
    stop() {
      clearInterval(clock);
      spinner?.stopAndPersist({ symbol: '•', text: render() });
      spinner = undefined;
    },
  };
}
