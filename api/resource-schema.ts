import { z } from 'zod';
import { STORED_STATUSES } from '../db/schema.js';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
export const NAME_RULE =
  'must start with a letter or digit and hold only letters, digits, underscores and dashes (at most 63 characters)';

const required = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});

export const nameSchema = z.string(required('a string')).regex(NAME_PATTERN, NAME_RULE);
export const requiredString = (what = 'a string') => z.string(required(what));

export const tagSchema = z.strictObject({
  key: z.string(required('a string')).min(1, 'must not be empty').max(128),
  value: z.string(required('a string')).max(256),
});
export const tagsSchema = z.array(tagSchema).max(64).default([]);

/**
 * Fields the server sets. They are accepted and ignored, so the output of `GET` (or `dispatch get --json`) can be
 * edited and sent back; any other unknown field is refused by the strict object schemas.
 */
export const serverSetFields = {
  id: z.unknown().optional(),
  kind: z.unknown().optional(),
  status: z.unknown().optional(),
  reason: z.unknown().optional(),
  digest: z.unknown().optional(),
  createdTime: z.unknown().optional(),
  modifiedTime: z.unknown().optional(),
};

export const statusFilterSchema = z.enum(STORED_STATUSES).optional();

/** `?tag=key=value` (repeatable) as {key, value} pairs; answers the offending text when one is malformed. */
export function parseTagFilters(raw: string[]): { tags: { key: string; value: string }[]; bad?: string } {
  const tags: { key: string; value: string }[] = [];
  for (const text of raw) {
    const at = text.indexOf('=');
    if (at <= 0) return { tags, bad: text };
    tags.push({ key: text.slice(0, at), value: text.slice(at + 1) });
  }
  return { tags };
}

export const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Ids in paths are UUIDs; anything else cannot name a row (and must not reach a uuid column). */
export const isUuid = (text: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
