// A small structured logger for the API and the worker's process (Temporal code logs through Temporal's `log`).
// One JSON object per line on stderr; never pass secrets in `fields`.
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Logger = Record<Level, (message: string, fields?: Record<string, unknown>) => void>;

export function createLogger(component: string, minimum: Level = 'info'): Logger {
  const write =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < ORDER[minimum]) return;
      process.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields })}\n`,
      );
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
