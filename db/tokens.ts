import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable } from './client.js';
import { keysetOrder, keyText, type Keyset, type RowWindow } from './keyset.js';
import { apiTokens, type ApiTokenRow, type OrgRole, type Role } from './schema.js';

/**
 * Who a token speaks for: a role in one org, or the platform (no org). `expired`: the token is known but past its
 * expiry, and must be refused as such.
 */
export type Principal = { tokenId: string; expired: boolean } & (
  { org: string; role: OrgRole } | { org: null; role: 'platform' }
);

/** The longest a token may be made to last, in days (ten years); without an expiry it never expires. */
export const MAX_TOKEN_DAYS = 3650;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newSecret = () => `dsp_${randomBytes(32).toString('base64url')}`;
/** `days` from now, never past `notAfter` (the expiry of the token a token is made with). */
function expiry(days: number | undefined, notAfter?: Date | null) {
  const asked = days === undefined ? null : sql`now() + make_interval(days => ${Math.trunc(days)})`;
  if (!notAfter) return asked;
  return asked ? sql`least(${asked}, ${notAfter.toISOString()}::timestamptz)` : notAfter;
}

/** Whose tokens: an org's (with one of the org roles), or the platform's (no org). */
export type TokenScope = { org: string; role: OrgRole } | { org: null; role: 'platform' };

/** The rows of the tokens that `owner` manages: an org's, or with null the platform's. */
const ownedBy = (owner: string | null) =>
  owner === null ? and(isNull(apiTokens.org), eq(apiTokens.role, 'platform')) : eq(apiTokens.org, owner);

/**
 * Stores a new token of `scope` and answers it in clear: the only time it is ever visible. `expiresInDays`: refused
 * after that many days (the caller checks the bound, MAX_TOKEN_DAYS), and never after `notAfter`.
 */
async function insertToken(
  db: Queryable,
  { org, role }: TokenScope,
  name: string,
  expiresInDays?: number,
  notAfter?: Date | null,
) {
  const token = newSecret();
  const [row] = await db
    .insert(apiTokens)
    .values({ org, role, name, tokenSha256: sha256(token), expiresAt: expiry(expiresInDays, notAfter) })
    .returning();
  if (!row) throw new Error('token was not stored');
  return { token, id: row.id, org, role, name, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

/** A token of `org` (which must exist: a foreign key), answered in clear this once. */
export async function createToken(db: Queryable, org: string, role: OrgRole, name: string, expiresInDays?: number) {
  return { ...(await insertToken(db, { org, role }, name, expiresInDays)), org, role };
}

/** A platform admin token: it opens and closes organizations, and acts in none. Answered in clear, this once. */
export async function createPlatformToken(db: Queryable, name: string, expiresInDays?: number) {
  return insertToken(db, { org: null, role: 'platform' }, name, expiresInDays);
}

/**
 * A token made with a token (`creatorTokenId`, of the same scope), in one transaction: only while the creator is
 * still there and unexpired (FOR KEY SHARE holds off its deletion, and so its org's, until this commits), and never
 * outliving it. Undefined when the creator's token is gone: a deleted org cannot be handed a token by a request
 * that started before it was deleted, whoever later opens an org of the same name.
 */
export async function createTokenAs<S extends TokenScope>(
  db: Queryable,
  creatorTokenId: string,
  scope: S,
  name: string,
  expiresInDays?: number,
) {
  return db.transaction(async (tx) => {
    const [creator] = await tx
      .select({ expiresAt: apiTokens.expiresAt })
      .from(apiTokens)
      .where(
        and(eq(apiTokens.id, creatorTokenId), ownedBy(scope.org), sql`coalesce(${apiTokens.expiresAt} > now(), true)`),
      )
      .for('key share');
    if (!creator) return undefined;
    return { ...(await insertToken(tx, scope, name, expiresInDays, creator.expiresAt)), ...scope };
  });
}

export async function findPrincipal(db: Queryable, token: string): Promise<Principal | undefined> {
  const [row] = await db
    .select({
      id: apiTokens.id,
      org: apiTokens.org,
      role: apiTokens.role,
      // The database's clock, the one expires_at was computed with.
      expired: sql<boolean>`coalesce(${apiTokens.expiresAt} <= now(), false)`,
    })
    .from(apiTokens)
    .where(eq(apiTokens.tokenSha256, sha256(token)));
  if (!row) return undefined;
  const { id: tokenId, expired } = row;
  // The table's check constraint pairs them so: a platform token has no org, every other token has one.
  if (row.role === 'platform') return { tokenId, expired, org: null, role: 'platform' };
  if (row.org === null) return undefined;
  return { tokenId, expired, org: row.org, role: row.role };
}

/** Tokens are listed oldest first; names repeat, so the id breaks ties. */
export const TOKEN_ORDER: Keyset = { columns: [apiTokens.createdAt, apiTokens.id], direction: 'asc' };

/** A token as listed: no secret, and the sort key of its page. */
export type ListedToken<R extends Role> = Omit<ApiTokenRow, 'org' | 'tokenSha256' | 'role'> & {
  role: R;
  cursorKey: string[];
};

/**
 * A page of the tokens `owner` manages, without their secrets: an org's (org roles only), or with null the
 * platform's (the table's check constraint pairs a null org with the platform role and nothing else).
 */
export function listTokens(db: Queryable, owner: string, window: RowWindow): Promise<ListedToken<OrgRole>[]>;
export function listTokens(db: Queryable, owner: null, window: RowWindow): Promise<ListedToken<'platform'>[]>;
export async function listTokens(db: Queryable, owner: string | null, window: RowWindow): Promise<ListedToken<Role>[]> {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      cursorKey: keyText(TOKEN_ORDER),
    })
    .from(apiTokens)
    .where(and(ownedBy(owner), window.after))
    .orderBy(...keysetOrder(TOKEN_ORDER))
    .limit(window.limit);
}

export async function deleteToken(db: Queryable, org: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.org, org), eq(apiTokens.id, id)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/**
 * Deletes a platform token, unless no other one stays valid for at least a day: the platform would be locked out
 * of its own API (only the stack's bootstrap, with database access, could make another). Every platform token row is locked first,
 * so two deletes at once cannot each leave the other as the "last" one and both go.
 */
export async function deletePlatformToken(db: Queryable, id: string): Promise<'deleted' | 'missing' | 'last'> {
  return db.transaction(async (tx) => {
    const platform = await tx
      // A successor must outlast the day: one about to expire would lock the platform out moments later.
      .select({
        id: apiTokens.id,
        usable: sql<boolean>`coalesce(${apiTokens.expiresAt} > now() + interval '1 day', true)`,
      })
      .from(apiTokens)
      .where(ownedBy(null))
      .orderBy(apiTokens.id) // one lock order for every delete: two at once queue, never deadlock
      .for('update');
    if (!platform.some((t) => t.id === id)) return 'missing';
    if (!platform.some((t) => t.id !== id && t.usable)) return 'last';
    await tx.delete(apiTokens).where(eq(apiTokens.id, id));
    return 'deleted';
  });
}
