// Text a build printed (or that quotes a build) is hostile: it may hold NUL bytes Postgres refuses, lone surrogates,
// terminal escapes that repaint a user's terminal, or control characters. Everything from a build passes through
// here before it reaches Postgres, Temporal or a terminal.
import stripAnsi from 'strip-ansi';

// C0 controls but tab and newline, DEL, and C1 controls; a carriage return is handled first (progress bars use it).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = new RegExp('[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]', 'g');

/** Valid UTF-16 (so valid UTF-8 once encoded), no terminal escapes, no control characters but tab and newline. */
export function safeText(text: string): string {
  return stripAnsi(text.toWellFormed()).replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** A short, single-line text for a reason or a log field: safe, and cut at `max` characters. */
export function safeLine(text: string, max = 500): string {
  const line = safeText(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A resource's reason as stored: every line safe and short; it may quote a daemon, a registry or a build. */
export function safeReason(reason: string[] = []): string[] {
  return reason.map((line) => safeLine(line, 1000)).filter(Boolean);
}
