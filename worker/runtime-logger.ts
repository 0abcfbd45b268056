import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger.js';

// The SDK warns about every worker that serves activities only (our batch and verify queues): by design here, so
// that warning is debug-level noise.
const EXPECTED = [/^No workflows registered, not polling for workflow tasks/];

export const isExpectedNoise = (entry: LogEntry) => EXPECTED.some((pattern) => pattern.test(entry.message));

/** Errors in log metadata become their messages: JSON has no place for an Error's fields. */
function plainMeta(meta: LogEntry['meta']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(meta ?? {}).map(([key, value]) => [key, value instanceof Error ? value.message : value]),
  );
}

/** The Temporal runtime's logs (worker states, activity and workflow failures) as the process's own JSON lines. */
export function runtimeLogger(level: LogLevel, logger: Logger): DefaultLogger {
  return new DefaultLogger(level, (entry) => {
    const target =
      isExpectedNoise(entry) || entry.level === 'TRACE' ? 'debug' : (entry.level.toLowerCase() as keyof Logger);
    logger[target](entry.message, plainMeta(entry.meta));
  });
}
