import { and, count, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Queryable } from './client.js';
import { keysetOrder, keyText, type Keyset, type RowWindow } from './keyset.js';
import {
  apiTokens,
  baseImages,
  images,
  organizations,
  rebuilds,
  rebuildSchedules,
  type OrganizationRow,
} from './schema.js';
import { createToken } from './tokens.js';

// Organizations, the tenants: opened by the platform admin with a first admin token, closed only once empty.

/** What an org still holds that keeps it from being deleted (or, under a new org's name, from being created). */
export type Holdings = { baseImages: number; images: number; rebuildSchedules: number; runningRebuilds: number };

/**
 * Whether `err` is a write refused because the org it names does not exist (any foreign key to organizations, see
 * db/schema.ts): the org was deleted meanwhile. Postgres's 23503, as thrown by pg or wrapped by drizzle, on the
 * inserting side only: an org's own delete refused by the same constraint is a bug to surface, not a missing org.
 */
export function namesMissingOrganization(err: unknown): boolean {
  let at = err;
  for (let depth = 0; depth < 5 && at && typeof at === 'object'; depth++) {
    const { code, constraint, message } = at as { code?: unknown; constraint?: unknown; message?: unknown };
    if (code === '23503') {
      return (
        typeof constraint === 'string' &&
        constraint.endsWith('_org_organizations_name_fk') &&
        typeof message === 'string' &&
        message.startsWith('insert or update on table')
      );
    }
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}

export const ORGANIZATION_ORDER: Keyset = { columns: [organizations.name], direction: 'asc' };

/** Makes sure the org exists (the local stack's `default`, tests' and benches' orgs); answers nothing. */
export async function ensureOrganization(db: Queryable, name: string): Promise<void> {
  await db.insert(organizations).values({ name }).onConflictDoNothing();
}

export async function findOrganization(db: Queryable, name: string): Promise<OrganizationRow | undefined> {
  const [row] = await db.select().from(organizations).where(eq(organizations.name, name));
  return row;
}

export async function listOrganizations(db: Queryable, window: RowWindow) {
  return db
    .select({ ...getTableColumns(organizations), cursorKey: keyText(ORGANIZATION_ORDER) })
    .from(organizations)
    .where(window.after)
    .orderBy(...keysetOrder(ORGANIZATION_ORDER))
    .limit(window.limit);
}

/** The rows named by `org` that an org must not hold when deleted; rebuilds only while they run. */
export async function holdingsOf(db: Queryable, org: string): Promise<Holdings> {
  const counted = async (table: typeof baseImages | typeof images | typeof rebuildSchedules) =>
    (await db.select({ n: count() }).from(table).where(eq(table.org, org)))[0]?.n ?? 0;
  const [running] = await db
    .select({ n: count() })
    .from(rebuilds)
    .where(and(eq(rebuilds.org, org), sql`${rebuilds.status} <> 'DONE'`));
  return {
    baseImages: await counted(baseImages),
    images: await counted(images),
    rebuildSchedules: await counted(rebuildSchedules),
    runningRebuilds: running?.n ?? 0,
  };
}

export const holdsAnything = (held: Holdings) => Object.values(held).some((n) => n > 0);

export type CreatedOrganization =
  | { created: true; organization: OrganizationRow; token: string }
  | { created: false; reason: 'exists' }
  | { created: false; reason: 'leftovers'; held: Holdings };

/**
 * Creates the org and its first admin token in one transaction. Refused when the name is taken, or when rows of an
 * earlier org of that name remain (a resource created while that org was being deleted): a new tenant must never
 * find another's resources.
 */
export async function createOrganization(
  db: Queryable,
  name: string,
  expiresInDays?: number,
): Promise<CreatedOrganization> {
  return db.transaction(async (tx) => {
    if (await findOrganization(tx, name)) return { created: false, reason: 'exists' };
    const held = await holdingsOf(tx, name);
    if (holdsAnything(held)) return { created: false, reason: 'leftovers', held };
    const [organization] = await tx.insert(organizations).values({ name }).onConflictDoNothing().returning();
    if (!organization) return { created: false, reason: 'exists' }; // created meanwhile
    const { token } = await createToken(tx, name, 'admin', `first admin of ${name}`, expiresInDays);
    return { created: true, organization, token };
  });
}

export type DeletedOrganization =
  | { deleted: true; tokens: number }
  | { deleted: false; reason: 'missing' }
  | { deleted: false; reason: 'holds'; held: Holdings };

/**
 * Deletes an empty org with all its tokens (they stop working at once) and its finished rebuilds. The org's row is
 * locked first: a token being minted in it meanwhile (its foreign key) waits, then finds the org gone.
 */
export async function deleteOrganization(db: Queryable, name: string): Promise<DeletedOrganization> {
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(organizations).where(eq(organizations.name, name)).for('update');
    if (!locked) return { deleted: false, reason: 'missing' };
    const held = await holdingsOf(tx, name);
    if (holdsAnything(held)) return { deleted: false, reason: 'holds', held };
    const tokens = await tx.delete(apiTokens).where(eq(apiTokens.org, name)).returning({ id: apiTokens.id });
    await tx.delete(rebuilds).where(eq(rebuilds.org, name));
    await tx.delete(organizations).where(eq(organizations.name, name));
    return { deleted: true, tokens: tokens.length };
  });
}
