import type { Logger } from '../logger.js';
import { ApiError } from './errors.js';

/** Temporal did not accept the work: answer 503 and keep the cause in the log. */
export function unavailable(logger: Logger, resource: string, err: unknown): ApiError {
  logger.error('could not start workflow', { resource, error: String(err) });
  return new ApiError(503, `${resource}: the workflow service is unavailable, nothing was changed; try again`);
}
