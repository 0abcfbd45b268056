import { asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';

// The order of a paged list (api/paging.ts): unique sort keys, so that "the rows after this one" is exact and a
// page boundary neither repeats nor skips a row whatever is inserted meanwhile.

/** The columns a list is sorted by, all in one direction; together they are unique among the listed rows. */
export type Keyset = { columns: readonly AnyColumn[]; direction: 'asc' | 'desc' };

/** What a list query fetches: the rows after a cursor (all without one), at most `limit`. */
export type RowWindow = { after?: SQL; limit: number };

export const TIMESTAMP_TZ = 'timestamp with time zone';

export const keysetOrder = ({ columns, direction }: Keyset) =>
  columns.map((column) => (direction === 'asc' ? asc(column) : desc(column)));

/**
 * A column of the key as text for a cursor. Timestamps keep their microseconds (a JS Date would drop them, and the
 * next page would then repeat rows) and are written in UTC, so the text does not depend on session settings.
 */
const keyPart = (column: AnyColumn): SQL =>
  column.getSQLType() === TIMESTAMP_TZ
    ? sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    : sql`${column}::text`;

/** The sort key of each row, as text, to select beside it: `{ ...columns, cursorKey: keyText(keyset) }`. */
export const keyText = ({ columns }: Keyset) => sql<string[]>`array[${sql.join(columns.map(keyPart), sql`, `)}]`;
