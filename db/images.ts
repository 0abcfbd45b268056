import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { ListFilter } from './base-images.js';
import { keysetOrder, keyText, type Keyset, type RowWindow } from './keyset.js';
import { safeReason } from '../safe-text.js';
import type { Queryable } from './client.js';
import { images, type ImageRow, type StoredStatus, type SystemPackage, type Tag, unsettledFor } from './schema.js';

export type ImageSpec = {
  name: string;
  baseImageName: string;
  language: string;
  runtimeManifest: string;
  systemPackages: SystemPackage[];
  tags: Tag[];
};

const byName = (org: string, name: string) => and(eq(images.org, org), eq(images.name, name));

/** Inserts a new image; answers undefined when the name is already taken in this org. */
export async function insertImage(db: Queryable, org: string, spec: ImageSpec): Promise<ImageRow | undefined> {
  const [row] = await db
    .insert(images)
    .values({ org, ...spec })
    .onConflictDoNothing({ target: [images.org, images.name] })
    .returning();
  return row;
}

export async function findImage(db: Queryable, org: string, name: string): Promise<ImageRow | undefined> {
  const [row] = await db.select().from(images).where(byName(org, name));
  return row;
}

export async function findImageById(db: Queryable, id: string): Promise<ImageRow | undefined> {
  const [row] = await db.select().from(images).where(eq(images.id, id));
  return row;
}

/** Images are listed by name, unique in an org. */
export const IMAGE_ORDER: Keyset = { columns: [images.name], direction: 'asc' };

export async function listImages(
  db: Queryable,
  org: string,
  filter: ListFilter & { baseImageName?: string },
  window: RowWindow,
) {
  const conditions: SQL[] = [eq(images.org, org)];
  if (filter.status) conditions.push(eq(images.status, filter.status));
  if (filter.language) conditions.push(eq(images.language, filter.language));
  if (filter.baseImageName) conditions.push(eq(images.baseImageName, filter.baseImageName));
  if (filter.tags?.length) conditions.push(sql`${images.tags} @> ${JSON.stringify(filter.tags)}::jsonb`);
  return db
    .select({ ...getTableColumns(images), cursorKey: keyText(IMAGE_ORDER) })
    .from(images)
    .where(and(...conditions, window.after))
    .orderBy(...keysetOrder(IMAGE_ORDER))
    .limit(window.limit);
}

/** Replaces the spec, bumps the generation and marks the image UPDATING; dockerUrl and digest stay usable. */
export async function replaceImageSpec(db: Queryable, org: string, spec: ImageSpec): Promise<ImageRow | undefined> {
  const [row] = await db
    .update(images)
    .set({ ...spec, status: 'UPDATING', reason: [], generation: sql`${images.generation} + 1`, modifiedAt: sql`now()` })
    .where(byName(org, spec.name))
    .returning();
  return row;
}

export async function deleteImage(db: Queryable, org: string, name: string): Promise<ImageRow | undefined> {
  const [row] = await db.delete(images).where(byName(org, name)).returning();
  return row;
}

/** Names of the images of `org` built on base image `baseImageName` (lock the base image row first). */
export async function imagesUsingBase(db: Queryable, org: string, baseImageName: string): Promise<string[]> {
  const rows = await db
    .select({ name: images.name })
    .from(images)
    .where(and(eq(images.org, org), eq(images.baseImageName, baseImageName)));
  return rows.map((r) => r.name).sort();
}

export type ImageStatusChange = {
  status: StoredStatus;
  reason?: string[];
  dockerUrl?: string;
  digest?: string;
  currentBuildId?: string;
};

/** Applies a status change only while `generation` is current (see setBaseImageStatus). */
export async function setImageStatus(
  db: Queryable,
  target: { id: string; generation: number },
  change: ImageStatusChange,
) {
  const rows = await db
    .update(images)
    .set({ ...change, reason: safeReason(change.reason), modifiedAt: sql`now()` })
    .where(and(eq(images.id, target.id), eq(images.generation, target.generation)))
    .returning({ id: images.id });
  return rows.length > 0;
}

export async function listUnsettledImages(db: Queryable, olderThanSeconds: number): Promise<ImageRow[]> {
  return db.select().from(images).where(unsettledFor(images, olderThanSeconds));
}
