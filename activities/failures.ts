import { safeLine } from '../safe-text.js';
import { ApplicationFailure } from '@temporalio/activity';

// Failure type names the workflows' retry policies rely on. String constants, not class names (minifiers rename).
export const IMAGE_NOT_FOUND = 'ImageNotFound';
export const ACCESS_DENIED = 'AccessDenied';
export const INVALID_REFERENCE = 'InvalidReference';
export const REGISTRY_UNREACHABLE = 'RegistryUnreachable';
export const DOCKER_UNREACHABLE = 'DockerUnreachable';

type DockerError = { statusCode?: number; code?: string; message?: string; json?: { message?: string } | null };

/**
 * The daemon's own sentence when it sent one (dockerode wraps it as "(HTTP code 404) ... - <message>"), worded as
 * the docker CLI words it, which is what users search for.
 */
export function daemonMessage(err: unknown): string {
  const e = err as DockerError;
  const fromDaemon = e.json?.message ?? DOCKERODE_PREFIX.exec(e.message ?? '')?.[1];
  if (fromDaemon) return `Error response from daemon: ${fromDaemon.trim()}`;
  return e.message ?? String(err);
}

const DOCKERODE_PREFIX = /^\(HTTP code \d+\) [^-]*- (.*)$/s;

const PERMANENT_PATTERNS: Array<[RegExp, string]> = [
  [/manifest unknown|not found|does not exist|no such image/i, IMAGE_NOT_FOUND],
  [/denied|unauthorized|authentication required|may require 'docker login'/i, ACCESS_DENIED],
  [/invalid reference|invalid repository name|invalid tag/i, INVALID_REFERENCE],
];

/**
 * Maps a Docker answer to a Temporal failure: a missing, denied or malformed image is final (retrying cannot help);
 * anything else (daemon or registry unreachable, 5xx) is retried by the activity's retry policy.
 */
export function classifyDockerFailure(err: unknown, context: string): ApplicationFailure {
  const e = err as DockerError;
  const text = daemonMessage(err);
  // The daemon may quote a hostile registry or Dockerfile: only a short, safe line goes into history and reasons.
  const message = safeLine(`${context}: ${text}`, 600);
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EPIPE' || e.code === 'ECONNRESET') {
    return ApplicationFailure.retryable(`${context}: Docker daemon unreachable (${e.code})`, DOCKER_UNREACHABLE);
  }
  // A refused connection to the registry comes back from the daemon as a 500 that mentions "not found" nowhere
  // but may mention "no such host"; check reachability first so it stays retryable.
  if (/connection refused|no such host|i\/o timeout|connection reset|TLS handshake timeout/i.test(text)) {
    return ApplicationFailure.retryable(message, REGISTRY_UNREACHABLE);
  }
  for (const [pattern, type] of PERMANENT_PATTERNS) {
    if (pattern.test(text)) return ApplicationFailure.nonRetryable(message, type);
  }
  if (e.statusCode === 404) return ApplicationFailure.nonRetryable(message, IMAGE_NOT_FOUND);
  if (e.statusCode === 400) return ApplicationFailure.nonRetryable(message, INVALID_REFERENCE);
  return ApplicationFailure.retryable(message, REGISTRY_UNREACHABLE);
}
