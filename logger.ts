// The structured logger of the API and the worker's process (Temporal code logs through Temporal's `log`, which the
// worker's Runtime logger routes back here: worker/runtime-logger.ts). pino, one JSON object per line on stderr:
// {"level":"info","time":"<ISO 8601>","component":"api","pid":1,"hostname":"h","message":"...",...fields}.
// Secrets are redacted however they are passed (see REDACTED_KEYS), but still: never log them on purpose.
import { hostname } from 'node:os';
import pino from 'pino';

type Level = 'debug' | 'info' | 'warn' | 'error';

export type Logger = Record<Level, (message: string, fields?: Record<string, unknown>) => void>;

export const REDACTED = '[REDACTED]';

/**
 * Field names whose values never reach a log line, at the top level and nested up to REDACT_DEPTH objects or arrays
 * deep (pino's redact paths name each depth; deeper objects are not expected in our fields). HTTP header names
 * both as sent and lower-cased; Docker's X-Registry-Auth carries registry credentials in base64.
 */
const REDACTED_KEYS = [
  'token',
  'password',
  'passwd',
  'secret',
  'authorization',
  'Authorization',
  'cookie',
  'x-registry-auth',
  'X-Registry-Auth',
  'authconfig',
  'REGISTRY_PASSWORD',
  // Temporal's activity task token: whoever holds it can complete or fail that activity.
  'taskToken',
];
const REDACT_DEPTH = 5;

const segment = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`);
export const REDACT_PATHS = REDACTED_KEYS.flatMap((key) =>
  Array.from({ length: REDACT_DEPTH + 1 }, (_, depth) => {
    const name = segment(key);
    return depth === 0 ? name : `${'*.'.repeat(depth)}${name}`.replace(/\.\[/g, '[');
  }),
);

/** `scheme://user:password@host`: the password of any URL in a string (DATABASE_URL, a registry URL) goes. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):\S*@/gi;
/** The service's own bearer tokens (db/tokens.ts newSecret), wherever a string carries one. */
const SERVICE_TOKEN = /\bdsp_[A-Za-z0-9_-]{16,}/g;
export const scrubUrlCredentials = (text: string) =>
  text.replace(URL_CREDENTIALS, `$1:${REDACTED}@`).replace(SERVICE_TOKEN, REDACTED);

/**
 * Any key that names a secret, in any case and at any depth (platformToken, PGPASSWORD, SQL_PASSWORD...): the
 * safety net behind pino's exact paths above.
 */
const SECRET_KEY = /token|passw|secret|authori[sz]ation|cookie|registry-auth|authconfig|credential/i;
const MAX_DEPTH = 8;

/** Copies `value` with secret-named keys, URL passwords and service tokens scrubbed; too-deep parts dropped. */
function scrubbed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubUrlCredentials(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep to log]';
  if (Array.isArray(value)) return value.map((item) => scrubbed(item, depth + 1));
  if (value instanceof Error) return scrubUrlCredentials(value.stack ?? value.message);
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) && typeof item !== 'number' && typeof item !== 'boolean'
        ? REDACTED
        : scrubbed(item, depth + 1),
    ]),
  );
}

// One destination for every logger of the process: synchronous writes, so the last lines before an exit are kept.
let stderr: pino.DestinationStream | undefined;

/** pino's options for a component: exported for the tests, which log into a buffer instead of stderr. */
export function loggerOptions(component: string, minimum: Level): pino.LoggerOptions {
  return {
    level: minimum,
    messageKey: 'message',
    base: { component, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => scrubbed(fields) as Record<string, unknown>,
    },
  };
}

/** A logger over any pino destination (tests pass a buffer). */
export function loggerOver(destination: pino.DestinationStream, component: string, minimum: Level): Logger {
  const base = pino(loggerOptions(component, minimum), destination);
  const write =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      base[level](fields, scrubUrlCredentials(message));
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export function createLogger(component: string, minimum: Level = 'info'): Logger {
  stderr ??= pino.destination({ fd: 2, sync: true });
  return loggerOver(stderr, component, minimum);
}
