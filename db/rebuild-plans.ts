import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { safeLine } from '../safe-text.js';
import type { Queryable } from './client.js';
import { imagesHoldingPackage } from './packages.js';
import { builds, images, rebuildItems, rebuilds, type BuildInputs, type RebuildSelector } from './schema.js';

// A batch rebuild's plan lives here, one row per selected image, never in workflow history: the plan is computed in
// pages of the org's images and the builds run in windows read back from these rows.

/** Which of the org's images a selector takes, as a condition on `images`. */
export async function selectorCondition(db: Queryable, org: string, selector: RebuildSelector): Promise<SQL> {
  const inOrg = eq(images.org, org);
  if ('baseImageName' in selector) return and(inOrg, eq(images.baseImageName, selector.baseImageName))!;
  if ('tag' in selector) return and(inOrg, sql`${images.tags} @> ${JSON.stringify([selector.tag])}::jsonb`)!;
  if ('package' in selector) {
    // Version ranges are compared in JavaScript (each ecosystem's own rules), so the holders are found first.
    const ids = (await imagesHoldingPackage(db, org, selector.package)).map((image) => image.id);
    return and(inOrg, sql`${images.id} = any(${`{${ids.join(',')}}`}::uuid[])`)!;
  }
  return inOrg;
}

/** The distinct base images of the selected images: each is verified once per rebuild. */
export async function selectedBaseImages(db: Queryable, condition: SQL): Promise<string[]> {
  const rows = await db
    .selectDistinct({ name: images.baseImageName })
    .from(images)
    .where(condition)
    .orderBy(asc(images.baseImageName));
  return rows.map((r) => r.name);
}

/** What planning needs of an image: its spec's inputs and the inputs of its last successful build. */
export type ImageToPlan = {
  id: string;
  name: string;
  baseImageName: string;
  generation: number;
  language: string;
  /** SHA-256 (hex) of the runtime manifest's UTF-8 bytes, the same as build-inputs.ts hashes. */
  manifestSha256: string;
  systemPackages: BuildInputs['systemPackages'];
  lastBuildId: string | null;
  lastInputs: BuildInputs | null;
};

/** One page of the selected images in name order, after `afterName`; manifests are hashed here, not shipped. */
export async function imagesToPlan(
  db: Queryable,
  condition: SQL,
  afterName: string | undefined,
  limit: number,
): Promise<ImageToPlan[]> {
  return db
    .select({
      id: images.id,
      name: images.name,
      baseImageName: images.baseImageName,
      generation: images.generation,
      language: images.language,
      manifestSha256: sql<string>`encode(sha256(convert_to(${images.runtimeManifest}, 'UTF8')), 'hex')`,
      systemPackages: images.systemPackages,
      lastBuildId: builds.id,
      lastInputs: builds.inputs,
    })
    .from(images)
    .leftJoin(builds, eq(builds.id, images.currentBuildId))
    .where(afterName === undefined ? condition : and(condition, gt(images.name, afterName)))
    .orderBy(asc(images.name))
    .limit(limit);
}

export type PlanItem = {
  imageId: string;
  imageName: string;
  baseImageName: string;
  generation: number;
  rebuild: boolean;
  reason: string;
  inputsSha256: string | null;
};

/** Adds a page of the plan; a retried activity's rows are already there and kept. */
export async function insertPlanItems(db: Queryable, rebuildId: string, items: PlanItem[], dryRun: boolean) {
  if (!items.length) return;
  const outcome = (i: PlanItem) => (i.rebuild ? (dryRun ? 'PLANNED' : 'PENDING') : 'SKIPPED');
  // Reasons may quote a registry's answer to a re-verification: stored as safe, short lines.
  const rows = items.map((i) => ({ ...i, reason: safeLine(i.reason), rebuildId, outcome: outcome(i) }));
  await db
    .insert(rebuildItems)
    .values(rows)
    .onConflictDoNothing({ target: [rebuildItems.rebuildId, rebuildItems.imageName] });
}

/**
 * The plan is complete: a dry run is DONE, a real one RUNNING its builds. Only from PLANNING: a plan finishing after
 * its run was closed (timed out, terminated, and closed by the reconciler) does not reopen it.
 */
export async function closePlan(db: Queryable, rebuildId: string, dryRun: boolean) {
  await db
    .update(rebuilds)
    .set(dryRun ? { status: 'DONE', finishedAt: sql`now()` } : { status: 'RUNNING' })
    .where(and(eq(rebuilds.id, rebuildId), eq(rebuilds.status, 'PLANNING')));
}

/** A pending item of a window; `inputsBuilt`: an image of identical inputs was already rebuilt by this batch. */
export type WindowItem = {
  imageId: string;
  imageName: string;
  baseImageName: string;
  generation: number;
  inputsSha256: string;
  inputsBuilt: boolean;
};

/**
 * The next `size` items still to build, identical inputs next to one another (so that a group is built once, by
 * the first of it, and the others reuse that build, even when the group spans windows).
 */
export async function nextWindow(db: Queryable, rebuildId: string, size: number): Promise<WindowItem[]> {
  const rows = await db.execute<Record<keyof WindowItem, string | number | boolean>>(sql`
    select i.image_id as "imageId", i.image_name as "imageName", i.base_image_name as "baseImageName",
           i.generation, i.inputs_sha256 as "inputsSha256",
           exists (select 1 from rebuild_items done
                   where done.rebuild_id = i.rebuild_id and done.inputs_sha256 = i.inputs_sha256
                     and done.outcome = 'SUCCEEDED') as "inputsBuilt"
    from rebuild_items i
    where i.rebuild_id = ${rebuildId} and i.outcome = 'PENDING'
    order by i.inputs_sha256, i.image_name
    limit ${size}`);
  return rows.rows as unknown as WindowItem[];
}
