import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from './client.js';
import { keysetOrder, keyText, type Keyset, type RowWindow } from './keyset.js';
import { apiTokens, type OrgRole } from './schema.js';

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

/**
 * Creates a token of `org` and answers it in clear: the only time it is ever visible. `expiresInDays`: refused
 * after that many days (the caller checks the bound, MAX_TOKEN_DAYS). The org must exist (a foreign key).
 */
export async function createToken(
  db: Queryable,
  org: string,
  role: OrgRole,
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

/**
 * A token an org admin makes with their own token (`creatorTokenId`), in one transaction: only while that token is
 * still there, unexpired and of the same org (FOR KEY SHARE holds off its deletion, and so the org's, until this
 * commits), and never outliving it. Undefined when the creator's token is gone: a deleted org cannot be handed a
 * token by a request that started before it was deleted, whoever later opens an org of the same name.
 */
export async function createTokenAs(
  db: Queryable,
  creatorTokenId: string,
  org: string,
  role: OrgRole,
  name: string,
  expiresInDays?: number,
) {
  return db.transaction(async (tx) => {
    const [creator] = await tx
      .select({ expiresAt: apiTokens.expiresAt })
      .from(apiTokens)
      .where(
        and(
          eq(apiTokens.id, creatorTokenId),
          eq(apiTokens.org, org),
          sql`coalesce(${apiTokens.expiresAt} > now(), true)`,
        ),
      )
      .for('key share');
    return creator && createToken(tx, org, role, name, expiresInDays, creator.expiresAt);
  });
}

/** A platform admin token: it opens and closes organizations, and acts in none. Answered in clear, this once. */
export async function createPlatformToken(db: Queryable, name: string) {
  const token = newSecret();
  const [row] = await db
    .insert(apiTokens)
    .values({ org: null, role: 'platform', name, tokenSha256: sha256(token) })
    .returning();
  if (!row) throw new Error('token was not stored');
  return { token, id: row.id, name, createdAt: row.createdAt };
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

export async function listTokens(db: Queryable, org: string, window: RowWindow) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      // An org's tokens are never platform tokens (the check constraint of the table).
      role: sql<OrgRole>`${apiTokens.role}`,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      cursorKey: keyText(TOKEN_ORDER),
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.org, org), window.after))
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
