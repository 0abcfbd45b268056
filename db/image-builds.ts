import { and, eq, sql } from 'drizzle-orm';
import { findBaseImage } from './base-images.js';
import { finishBuild, startBuild, type BuildEnd, type BuildStart } from './builds.js';
import type { Db } from './client.js';
import { setImageStatus } from './images.js';
import { builds, type BaseImageRow, type StoredStatus } from './schema.js';

export type ImageTarget = { id: string; org: string; generation: number; baseImageName: string };
/** What an image build needs to know about its base image. */
export type BaseImageState = { status: string; reason: string[]; dockerUrl: string; digest: string | null };

export const toBaseImageState = (row: BaseImageRow): BaseImageState => ({
  status: row.status,
  reason: row.reason,
  dockerUrl: row.dockerUrl,
  digest: row.digest,
});

/**
 * Marks the image in progress and opens (or, on a retry, finds) the build row of this run, in one transaction;
 * answers the base image's state too, so a build starts with one round trip. Null when the generation is no longer
 * current: the run was superseded or the image deleted.
 */
export async function beginImageBuild(
  db: Db,
  target: ImageTarget,
  status: StoredStatus,
  start: Omit<BuildStart, 'imageId' | 'generation'>,
): Promise<{ buildId: string; base: BaseImageState | null } | null> {
  return db.transaction(async (tx) => {
    if (!(await setImageStatus(tx, target, { status }))) return null;
    const buildId = await startBuild(tx, { ...start, imageId: target.id, generation: target.generation });
    const base = await findBaseImage(tx, target.org, target.baseImageName);
    return { buildId, base: base ? toBaseImageState(base) : null };
  });
}

/** Closes the build row and sets the image READY (with what was pushed) or ERROR, in one transaction. */
export async function completeImageBuild(db: Db, target: ImageTarget, buildId: string, end: BuildEnd): Promise<void> {
  await db.transaction(async (tx) => {
    const reason = await finishBuild(tx, buildId, end);
    if (end.outcome === 'SUCCEEDED') {
      const { dockerUrl, digest } = end;
      await setImageStatus(tx, target, { status: 'READY', dockerUrl, digest, currentBuildId: buildId });
    } else {
      await setImageStatus(tx, target, { status: 'ERROR', reason });
    }
  });
}

/**
 * The image ERROR with a short reason, and its build FAILED, written without anything the build produced: what the
 * workflow falls back on when completeImageBuild keeps failing, so that the image settles all the same.
 */
export async function settleImageError(db: Db, target: ImageTarget, buildId: string, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(builds)
      .set({ outcome: 'FAILED', error: reason, finishedAt: sql`now()` })
      .where(and(eq(builds.id, buildId), eq(builds.outcome, 'RUNNING')));
    await setImageStatus(tx, target, { status: 'ERROR', reason: [reason] });
  });
}
