import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { keysetOrder, keyText, type Keyset, type RowWindow } from './keyset.js';
import { safeReason } from '../safe-text.js';
import type { Queryable } from './client.js';
import { baseImages, type BaseImageRow, type StoredStatus, type Tag, unsettledFor } from './schema.js';

export type BaseImageSpec = { name: string; dockerUrl: string; language: string; tags: Tag[] };
export type ListFilter = { tags?: Tag[]; status?: StoredStatus; language?: string };

/** Inserts a new base image; answers undefined when the name is already taken in this org. */
export async function insertBaseImage(
  db: Queryable,
  org: string,
  spec: BaseImageSpec,
): Promise<BaseImageRow | undefined> {
  const [row] = await db
    .insert(baseImages)
    .values({ org, ...spec })
    .onConflictDoNothing({ target: [baseImages.org, baseImages.name] })
    .returning();
  return row;
}

export async function findBaseImageById(db: Queryable, id: string): Promise<BaseImageRow | undefined> {
  const [row] = await db.select().from(baseImages).where(eq(baseImages.id, id));
  return row;
}

export async function findBaseImage(db: Queryable, org: string, name: string): Promise<BaseImageRow | undefined> {
  const [row] = await db
    .select()
    .from(baseImages)
    .where(and(eq(baseImages.org, org), eq(baseImages.name, name)));
  return row;
}

/** Base images are listed by name, unique in an org. */
export const BASE_IMAGE_ORDER: Keyset = { columns: [baseImages.name], direction: 'asc' };

export async function listBaseImages(db: Queryable, org: string, filter: ListFilter, window: RowWindow) {
  const conditions: SQL[] = [eq(baseImages.org, org)];
  if (filter.status) conditions.push(eq(baseImages.status, filter.status));
  if (filter.language) conditions.push(eq(baseImages.language, filter.language));
  // jsonb containment: every requested {key, value} pair must be among the tags.
  if (filter.tags?.length) conditions.push(sql`${baseImages.tags} @> ${JSON.stringify(filter.tags)}::jsonb`);
  return db
    .select({ ...getTableColumns(baseImages), cursorKey: keyText(BASE_IMAGE_ORDER) })
    .from(baseImages)
    .where(and(...conditions, window.after))
    .orderBy(...keysetOrder(BASE_IMAGE_ORDER))
    .limit(window.limit);
}

/** Replaces the spec, bumps the generation and marks the base image UPDATING; the new verification starts after. */
export async function replaceBaseImageSpec(
  db: Queryable,
  org: string,
  spec: BaseImageSpec,
): Promise<BaseImageRow | undefined> {
  const [row] = await db
    .update(baseImages)
    .set({
      dockerUrl: spec.dockerUrl,
      language: spec.language,
      tags: spec.tags,
      status: 'UPDATING',
      reason: [],
      digest: null, // the new reference is not verified yet
      generation: sql`${baseImages.generation} + 1`,
      modifiedAt: sql`now()`,
    })
    .where(and(eq(baseImages.org, org), eq(baseImages.name, spec.name)))
    .returning();
  return row;
}

export async function deleteBaseImage(db: Queryable, org: string, name: string): Promise<BaseImageRow | undefined> {
  const [row] = await db
    .delete(baseImages)
    .where(and(eq(baseImages.org, org), eq(baseImages.name, name)))
    .returning();
  return row;
}

export type Generation = { id: string; generation: number };
export type StatusChange = { status: StoredStatus; reason?: string[]; digest?: string | null };

/**
 * Applies a status change only while `generation` is still the current spec: a superseded workflow run, or a late
 * activity attempt of one, changes nothing. Answers whether the change applied.
 */
export async function setBaseImageStatus(db: Queryable, target: Generation, change: StatusChange): Promise<boolean> {
  const rows = await db
    .update(baseImages)
    .set({ ...change, reason: safeReason(change.reason), modifiedAt: sql`now()` })
    .where(and(eq(baseImages.id, target.id), eq(baseImages.generation, target.generation)))
    .returning({ id: baseImages.id });
  return rows.length > 0;
}

/** Whether any base image, in any org, still refers to this Docker reference (then its local copy stays). */
export async function isDockerUrlInUse(db: Queryable, dockerUrl: string): Promise<boolean> {
  const rows = await db
    .select({ id: baseImages.id })
    .from(baseImages)
    .where(eq(baseImages.dockerUrl, dockerUrl))
    .limit(1);
  return rows.length > 0;
}

export async function listUnsettledBaseImages(db: Queryable, olderThanSeconds: number): Promise<BaseImageRow[]> {
  return db.select().from(baseImages).where(unsettledFor(baseImages, olderThanSeconds));
}

/**
 * Reads a base image and locks its row until the transaction ends, so a concurrent delete of the base image and
 * a create of an image on it cannot both succeed.
 */
export async function lockBaseImage(
  tx: Queryable,
  org: string,
  name: string,
  mode: 'share' | 'update',
): Promise<BaseImageRow | undefined> {
  const [row] = await tx
    .select()
    .from(baseImages)
    .where(and(eq(baseImages.org, org), eq(baseImages.name, name)))
    .for(mode);
  return row;
}

/**
 * Records the digest a READY base image's tag resolves to now (a re-verification found it moved). The spec and
 * generation stay; only a READY base image is touched.
 */
export async function refreshBaseImageDigest(db: Queryable, id: string, digest: string): Promise<void> {
  await db
    .update(baseImages)
    .set({ digest, modifiedAt: sql`now()` })
    .where(and(eq(baseImages.id, id), eq(baseImages.status, 'READY')));
}
