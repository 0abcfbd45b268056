import type { Hook } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ScheduleNotFoundError, ServiceError } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { AppEnv } from './context.js';
import { safeLine } from '../safe-text.js';
import { namesMissingOrganization } from '../db/organizations.js';

/** The one error type handlers throw; onError turns it (and everything else) into `{code, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (kind: string, name: string) => new ApiError(404, `${kind} ${name} not found`);
export const alreadyExists = (kind: string, name: string) => new ApiError(409, `${kind} ${name} already exists`);

/** `base image py3: dockerUrl: Required` style text from a zod error, naming every field at fault. */
export function validationMessage(resource: string, error: z.ZodError): string {
  const issues = error.issues.map((issue) => {
    const field = issue.path.join('.') || 'body';
    return `${field}: ${issue.message}`;
  });
  return `${resource}: ${issues.join('; ')}`;
}

/** "image NAME" when the body names one, for messages about a body that may not be valid yet. */
export function labelFor(kind: string, body: unknown): string {
  const name = (body as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `${kind} ${safeLine(name, 100)}` : kind;
}

/**
 * The routes' `defaultHook`: a request that fails its route's schema is a 400 naming the resource (as the route
 * declared it, with the name or id of the path or body) and every field at fault.
 */
export const refuseInvalid: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const kind = c.get('resource') ?? 'request';
  const key = c.req.param('name') ?? c.req.param('id');
  // A name or id that failed validation is the requester's text: shown short and without control characters.
  const label =
    key !== undefined
      ? `${kind} ${safeLine(key, 100)}`
      : result.target === 'query' && c.req.method === 'GET'
        ? `${kind} list`
        : // The validator hands the refused input along, though the Hook type only declares it on success.
          labelFor(kind, (result as { data?: unknown }).data);
  throw new ApiError(400, validationMessage(label, result.error as z.ZodError));
};

export function createErrorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof ApiError) return c.json({ code: err.status, message: err.message }, err.status);
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      return c.json({ code: status, message: err.message || 'request refused' }, status);
    }
    // The org was deleted while the request was in flight, and its tokens with it, the caller's included.
    if (namesMissingOrganization(err)) {
      logger.warn('a write named an organization deleted meanwhile', { method: c.req.method });
      return c.json({ code: 401, message: 'invalid bearer token' }, 401);
    }
    if (err instanceof ScheduleNotFoundError) {
      return c.json({ code: 404, message: `the Temporal schedule behind ${c.req.path} no longer exists` }, 404);
    }
    if (err instanceof ServiceError) {
      logger.error('Temporal call failed', { method: c.req.method, path: c.req.path, error: String(err) });
      return c.json({ code: 503, message: 'the workflow service is unavailable; try again' }, 503);
    }
    // Anything else is our fault; the details go to the log, not to the caller.
    logger.error('unhandled error', { method: c.req.method, path: c.req.path, error: err.stack ?? String(err) });
    return c.json({ code: 500, message: `internal error when processing ${c.req.method} ${c.req.path}` }, 500);
  };
}
