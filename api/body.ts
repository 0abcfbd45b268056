import type { Context } from 'hono';
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

const isYaml = (contentType: string | undefined) => /\b(application|text)\/(x-)?yaml\b/i.test(contentType ?? '');

/** The request body as a plain value: YAML when the Content-Type says so, JSON otherwise. */
export async function readBody(c: Context, resource: string): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw new ApiError(400, `${resource}: request body is empty`);
  const yaml = isYaml(c.req.header('content-type'));
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ApiError(
      400,
      `${resource}: request body is not valid ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    );
  }
}
