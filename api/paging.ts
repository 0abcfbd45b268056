import { z } from '@hono/zod-openapi';
import { sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { Context } from 'hono';
import { TIMESTAMP_TZ, type Keyset, type RowWindow } from '../db/keyset.js';
import { ApiError } from './errors.js';
import { jsonAnswer } from './openapi-route.js';

// Keyset paging for every list: `?limit=` and an opaque `?cursor=`, the answer stays a JSON array and a page that has
// more after it carries `Link: <...?cursor=...>; rel="next"`. The cursor holds the sort key of the page's last item,
// so the next page starts strictly after it: rows inserted or deleted meanwhile never shift or repeat items.

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The paging fields of a list's query, to `.extend()` a route's query schema with. */
export const pageQueryFields = {
  limit: z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
    .default(DEFAULT_PAGE_SIZE)
    .openapi({ description: `How many items a page holds (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` }),
  cursor: z
    .string()
    .max(2048, { error: 'is not a cursor this server gave' })
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'is not a cursor this server gave' })
    .optional()
    .openapi({ description: 'Where the page starts: copied from the previous page\'s `Link: <...>; rel="next"`.' }),
};

export const pageQuery = z.object(pageQueryFields);
export type PageQuery = z.infer<typeof pageQuery>;

/** The documented `Link` header of a list answer. */
export const linkHeader = {
  Link: {
    description:
      'On a page with more items after it: `<path?...&cursor=...>; rel="next"`, the same query with the cursor ' +
      'of the next page. The last page has none.',
    schema: { type: 'string' as const },
  },
};

/** The 200 answer of a list: one page of items as a JSON array, with the `Link` header of the next page. */
export const pageAnswer = <S extends z.ZodType>(item: S, description: string) => ({
  ...jsonAnswer(z.array(item), description),
  headers: linkHeader,
});

/** The 400 of a list whose query has nothing else to refuse. */
export const PAGE_REFUSAL = 'The limit or the cursor is malformed.';

/** A cursor: the sort key (strings) of the last item of a page, opaque to clients. */
export const encodeCursor = (key: string[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The sort key a cursor holds, `size` strings long; anything else is a 400 naming the field. */
const notOurs = (resource: string) => new ApiError(400, `${resource} list: cursor: is not a cursor this server gave`);

export function decodeCursor(resource: string, cursor: string, size: number): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    Array.isArray(key) && key.length === size && key.every((k) => typeof k === 'string' && !k.includes('\u0000'));
  if (!valid) throw notOurs(resource);
  return key as string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UTC_MICROS = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Whether Postgres can read `value` as the column's type: an edited cursor must be a 400, not a failed cast. */
function readableAs(column: AnyColumn, value: string): boolean {
  const type = column.getSQLType();
  if (type === 'uuid') return UUID.test(value);
  if (type !== TIMESTAMP_TZ) return true; // text: any string without NUL (decodeCursor refused those)
  const year = UTC_MICROS.exec(value)?.[1];
  // Date takes 2024-02-30 as March 1st; Postgres refuses it, and year 0.
  const date = new Date(value);
  return (
    !!year &&
    Number(year) >= 1 &&
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 19) === value.slice(0, 19)
  );
}

/**
 * What a list fetches for one page of `query`: the rows after its cursor in the keyset's order, and one more than
 * the page holds, so that page() knows whether another follows. A cursor that is not ours is a 400.
 */
export function pageWindow(resource: string, query: PageQuery, keyset: Keyset): RowWindow {
  const limit = query.limit + 1;
  if (query.cursor === undefined) return { limit };
  const key = decodeCursor(resource, query.cursor, keyset.columns.length);
  if (!key.every((value, i) => readableAs(keyset.columns[i]!, value))) throw notOurs(resource);
  return { after: afterKey([...keyset.columns], key, keyset.direction), limit };
}

/**
 * The condition "after the cursor" for rows ordered by `columns` (all ascending, or all descending): a row-value
 * comparison, which Postgres answers from an index on the same columns. Values are compared as the column's type.
 */
export function afterKey(columns: AnyColumn[], key: string[], direction: 'asc' | 'desc' = 'asc'): SQL {
  const left = sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  );
  const right = sql.join(
    key.map((value, i) => sql`${value}::${sql.raw(columns[i]!.getSQLType())}`),
    sql`, `,
  );
  return direction === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
}

/**
 * Answers one page: `rows` was fetched with `limit + 1` so that a page knows whether another follows; the extra row
 * is dropped and, when there was one, the `Link` header names the next page (relative to this request, so that it
 * stays right behind a proxy). `keyOf` gives a row's sort key as strings, the same columns as the query's order.
 */
export function page<T>(c: Context, rows: T[], limit: number, keyOf: (row: T) => string[]): T[] {
  if (rows.length <= limit) return rows;
  const items = rows.slice(0, limit);
  linkNext(c, keyOf(items[items.length - 1]!));
  return items;
}

/** Names the next page, starting after the sort key `key`: this request's query with the cursor replaced. */
export function linkNext(c: Context, key: string[]): void {
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', encodeCursor(key));
  c.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
}
