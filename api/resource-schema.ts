import { z } from '@hono/zod-openapi';
import { STORED_STATUSES } from '../db/schema.js';

// The parts every resource's contract shares. Each schema here is at once the validation of requests, the type of
// handlers and answers, and (through @hono/zod-openapi) its part of /openapi.json: one declaration, one truth.

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
export const NAME_RULE =
  'must start with a letter or digit and hold only letters, digits, underscores and dashes (at most 63 characters)';

const required = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});

export const nameSchema = z.string(required('a string')).regex(NAME_PATTERN, NAME_RULE);
export const requiredString = (what = 'a string') => z.string(required(what));

/** Text a tenant stores and others read: no NUL (Postgres refuses it) and no other control characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;
export const PRINTABLE_RULE = 'must not contain control characters';

export const tagSchema = z
  .strictObject({
    key: z.string(required('a string')).min(1, 'must not be empty').max(128).regex(PRINTABLE, PRINTABLE_RULE),
    value: z.string(required('a string')).max(256).regex(PRINTABLE, PRINTABLE_RULE),
  })
  .openapi('Tag');
export const tagsSchema = z.array(tagSchema).max(64).default([]);

const SERVER_SET =
  'Set by the server: accepted and ignored on input, so the output of GET can be edited and sent back.';
const serverSet = () => z.unknown().optional().openapi({ readOnly: true, description: SERVER_SET });

/**
 * Fields the server sets. They are accepted and ignored, so the output of `GET` (or `dispatch get --json`) can be
 * edited and sent back; any other unknown field is refused by the strict object schemas.
 */
export const serverSetFields = {
  id: serverSet(),
  kind: serverSet(),
  status: serverSet(),
  reason: serverSet(),
  digest: serverSet(),
  createdTime: serverSet(),
  modifiedTime: serverSet(),
};
export const serverSetField = serverSet;

export const unixTime = (what: string) => z.int().openapi({ description: `${what}, in seconds since the Unix epoch` });
export const isoTime = (what: string) =>
  z.iso.datetime().openapi({ description: `${what}, as an ISO 8601 UTC timestamp` });
export const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export const resourceStatusSchema = z
  .enum([...STORED_STATUSES, 'DELETED'])
  .openapi({ description: 'DELETED only appears in the answer to a DELETE' });

export const reasonSchema = z
  .array(z.string())
  .openapi({ description: 'Why the resource is in ERROR (empty otherwise); each entry is one line of explanation' });

export const errorSchema = z
  .strictObject({
    code: z.int().openapi({ description: 'The HTTP status, repeated' }),
    message: z.string().openapi({ description: 'What went wrong, naming the resource and the field at fault' }),
  })
  .openapi('Error', { description: 'Every error answer has this shape.' });

/** Equal as JSON; a value that cannot be written as JSON (a YAML alias to itself) equals nothing. */
function sameValue(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/**
 * A body schema that also takes other names for some of its fields (`{imageUrl: 'dockerUrl'}`: later Dispatch
 * versions' names), renamed before validation; answers keep our names. Sending both names with different values is
 * refused, naming the alias.
 */
export function withAliases<S extends z.ZodType>(schema: S, aliases: Record<string, string>) {
  return z.preprocess((value, ctx) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const renamed: Record<string, unknown> = { ...value };
    for (const [alias, field] of Object.entries(aliases)) {
      if (!Object.hasOwn(renamed, alias)) continue;
      if (Object.hasOwn(renamed, field) && !sameValue(renamed[field], renamed[alias])) {
        ctx.addIssue({ code: 'custom', path: [alias], message: `is another name for ${field}: send one of them` });
      }
      renamed[field] ??= renamed[alias];
      delete renamed[alias];
    }
    return renamed;
  }, schema);
}

/** `{name}` in a path. */
export const nameParams = (kind: string) =>
  z.object({
    name: nameSchema.openapi({ param: { name: 'name', in: 'path' }, description: `The name of the ${kind}.` }),
  });

/** `{id}` in a path: ids are UUIDs; anything else cannot name a row (and must not reach a uuid column). */
export const idParams = (kind: string, listedBy: string) =>
  z.object({
    id: z
      .uuid({ error: 'must be a UUID' })
      .openapi({ param: { name: 'id', in: 'path' }, description: `The id of the ${kind}, as listed by ${listedBy}.` }),
  });

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const TAG_FILTER = /^[^=\u0000-\u001f\u007f]+=[^\u0000-\u001f\u007f]*$/;

/** `?tag=key=value` (repeatable): one value arrives as a string, several as an array. */
const tagFilter = (kind: string) =>
  z
    .preprocess(
      (value) => (typeof value === 'string' ? [value] : value),
      z.array(z.string().regex(TAG_FILTER, 'must look like key=value, without control characters')).default([]),
    )
    .openapi({
      param: { style: 'form', explode: true },
      description: `Only ${kind}s with this tag, written key=value; repeat it to require several tags.`,
    });

/** The filters of a list: `?tag=key=value` (repeatable), `?status=`, `?language=`. */
export const listQuery = (kind: string, languages: readonly string[]) =>
  z.object({
    tag: tagFilter(kind),
    status: z
      .enum(STORED_STATUSES, { error: `must be one of ${STORED_STATUSES.join(', ')}` })
      .optional()
      .openapi({ description: `Only ${kind}s in this status.` }),
    language: z
      .string()
      .regex(PRINTABLE, PRINTABLE_RULE)
      .optional()
      .openapi({ description: `Only ${kind}s of this language (this server supports ${languages.join(', ')}).` }),
  });

/** `key=value` filters as {key, value} pairs (each is known to hold an '=' after its first character). */
export function parseTagFilters(raw: string[]): { key: string; value: string }[] {
  return raw.map((text) => {
    const at = text.indexOf('=');
    return { key: text.slice(0, at), value: text.slice(at + 1) };
  });
}

export type Tag = z.infer<typeof tagSchema>;
