import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { baseImages, builds, catalogPackages, images, type CatalogEntry } from '../../db/schema.js';

// Images with a successful build and its catalog written straight into Postgres: package queries, selectors and
// SBOMs can then be tested against any catalog in milliseconds, without building anything.

export const REGISTRY_REPOSITORY = '127.0.0.1:5000/dispatch-images';

/** A base image row (never pulled: READY only on paper). */
export async function insertBase(db: Db, org: string, name: string): Promise<void> {
  await db.insert(baseImages).values({ org, name, dockerUrl: `127.0.0.1:5000/never/${name}:1`, language: 'python3' });
}

/**
 * An image whose current build holds `entries`; `older` is the catalog of an earlier successful build, which the
 * image no longer runs. Answers the current build's id.
 */
export async function insertBuiltImage(
  db: Db,
  org: string,
  image: { name: string; baseImageName: string },
  entries: CatalogEntry[],
  older: CatalogEntry[] = [],
): Promise<string> {
  const [row] = await db
    .insert(images)
    .values({ org, ...image, language: 'python3', status: 'READY' })
    .returning({ id: images.id });
  const imageId = row!.id;
  const dockerUrl = `${REGISTRY_REPOSITORY}/${org}/${image.name}:1`;
  const build = async (catalog: CatalogEntry[], finishedAt: Date) => {
    const [b] = await db
      .insert(builds)
      .values({
        imageId,
        runId: randomUUID(),
        generation: 1,
        trigger: 'create',
        outcome: 'SUCCEEDED',
        dockerUrl,
        digest: `sha256:${randomUUID().replace(/-/g, '').repeat(2)}`,
        finishedAt,
      })
      .returning({ id: builds.id });
    if (catalog.length) await db.insert(catalogPackages).values(catalog.map((e) => ({ buildId: b!.id, ...e })));
    return b!.id;
  };
  if (older.length) await build(older, new Date(Date.now() - 60_000));
  const current = await build(entries, new Date());
  await db.update(images).set({ currentBuildId: current, dockerUrl }).where(eq(images.id, imageId));
  return current;
}
