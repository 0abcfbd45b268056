import type { Context } from 'hono';
import type { ListFilter } from '../db/base-images.js';
import type { Logger } from '../logger.js';
import type { z } from 'zod';
import { ApiError, validationMessage } from './errors.js';
import { NAME_PATTERN, NAME_RULE, parseTagFilters, statusFilterSchema } from './resource-schema.js';

export function nameFromPath(c: Context, kind: string): string {
  const name = c.req.param('name') ?? '';
  if (!NAME_PATTERN.test(name)) throw new ApiError(400, `${kind} ${name}: name ${NAME_RULE}`);
  return name;
}

/** `?tag=key=value` (repeatable), `?status=`, `?language=`. */
export function readListFilter(c: Context, kind: string): ListFilter {
  const { tags, bad } = parseTagFilters(c.req.queries('tag') ?? []);
  if (bad !== undefined) throw new ApiError(400, `${kind} list: tag filter '${bad}' must look like key=value`);
  const status = statusFilterSchema.safeParse(c.req.query('status') || undefined);
  if (!status.success)
    throw new ApiError(400, `${kind} list: status filter '${c.req.query('status')}' is not a status`);
  const language = c.req.query('language') || undefined;
  return { tags, status: status.data, language };
}

/** Temporal did not accept the work: answer 503 and keep the cause in the log. */
export function unavailable(logger: Logger, resource: string, err: unknown): ApiError {
  logger.error('could not start workflow', { resource, error: String(err) });
  return new ApiError(503, `${resource}: the workflow service is unavailable, nothing was changed; try again`);
}

/** Validates a body against `schema`; a failure is a 400 naming the resource and every field at fault. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, label: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, validationMessage(label, parsed.error));
  return parsed.data;
}

/** "image NAME" when the body names one, for messages about a body that may not be valid yet. */
export function labelFor(kind: string, body: unknown): string {
  const name = (body as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `${kind} ${name}` : kind;
}
