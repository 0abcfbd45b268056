import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Queryable } from './client.js';
import { keysetOrder, keyText, type Keyset, type RowWindow } from './keyset.js';
import { apiTokens, type Role } from './schema.js';

export type Principal = { org: string; role: Role; tokenId: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Creates a token and answers it in clear: the only time it is ever visible. */
export async function createToken(db: Queryable, org: string, role: Role, name: string) {
  const token = `dsp_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ org, role, name, tokenSha256: sha256(token) })
    .returning();
  if (!row) throw new Error('token was not stored');
  return { token, id: row.id, org, role, name, createdAt: row.createdAt };
}

export async function findPrincipal(db: Queryable, token: string): Promise<Principal | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenSha256, sha256(token)));
  return row && { org: row.org, role: row.role, tokenId: row.id };
}

/** Tokens are listed oldest first; names repeat, so the id breaks ties. */
export const TOKEN_ORDER: Keyset = { columns: [apiTokens.createdAt, apiTokens.id], direction: 'asc' };

export async function listTokens(db: Queryable, org: string, window: RowWindow) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      createdAt: apiTokens.createdAt,
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
