import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { parse as parseYaml } from 'yaml';
import { ApiError } from './errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Refuses bodies over 1 MiB before they are read into memory. */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  },
});

export const isYaml = (contentType: string | undefined) => /\b(application|text)\/(x-)?yaml\b/i.test(contentType ?? '');

/** The request body as a plain value: YAML when the Content-Type says so, JSON otherwise. */
function parseText(text: string, contentType: string | undefined, resource: string): unknown {
  if (!text.trim()) throw new ApiError(400, `${resource}: request body is empty`);
  const yaml = isYaml(contentType);
  try {
    // No aliases at all: a body needs none, and each one would be copied again when the value is handed on as JSON
    // (a 1 MiB body could become hundreds of MiB), or could refer to itself.
    return yaml ? parseYaml(text, { maxAliasCount: 0 }) : JSON.parse(text);
  } catch (err) {
    throw new ApiError(
      400,
      `${resource}: request body is not valid ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    );
  }
}

/**
 * Reads a JSON or YAML body (JSON when no Content-Type is sent) and hands it on as JSON, so the route's one zod
 * schema validates both; a body that is neither is a 400 naming the resource.
 */
export const bodyAsJson =
  (resource: string): MiddlewareHandler =>
  async (c, next) => {
    const value = parseText(await c.req.text(), c.req.header('content-type'), resource);
    let json: string;
    try {
      json = JSON.stringify(value ?? null);
    } catch {
      // Nesting deep enough to exhaust the stack: no resource looks like that.
      throw new ApiError(400, `${resource}: request body is nested too deeply`);
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set('content-type', 'application/json');
    headers.delete('content-length');
    // The validator reads the body from the cache as JSON text; the request it sees says JSON and holds no stream.
    c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, signal: c.req.raw.signal });
    // (Hono types the cache by the Body methods whose results it keeps.)
    c.req.bodyCache = { text: Promise.resolve(json) } as unknown as typeof c.req.bodyCache;
    await next();
  };
