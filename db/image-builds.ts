import { and, eq, sql } from 'drizzle-orm';
import { findBaseImage } from './base-images.js';
import {
  closedBuildColumns,
  finishBuild,
  startBuild,
  type BuildEnd,
  type BuildStart,
  type ClosedBuild,
} from './builds.js';
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
 * answers the base image's state too, so a build starts with one round trip, and the older builds it superseded.
 * Null when the generation is no longer current: the run was superseded or the image deleted.
 */
export async function beginImageBuild(
  db: Db,
  target: ImageTarget,
  status: StoredStatus,
  start: Omit<BuildStart, 'imageId' | 'generation'>,
): Promise<{ buildId: string; base: BaseImageState | null; superseded: ClosedBuild[] } | null> {
  return db.transaction(async (tx) => {
    if (!(await setImageStatus(tx, target, { status }))) return null;
    const { buildId, superseded } = await startBuild(tx, {
      ...start,
      imageId: target.id,
      generation: target.generation,
    });
    const base = await findBaseImage(tx, target.org, target.baseImageName);
    return { buildId, base: base ? toBaseImageState(base) : null, superseded };
  });
}

/**
 * Closes the build row and sets the image READY (with what was pushed) or ERROR, in one transaction; answers the
 * build when this call closed it.
 */
export async function completeImageBuild(
  db: Db,
  target: ImageTarget,
  buildId: string,
  end: BuildEnd,
): Promise<ClosedBuild[]> {
  return db.transaction(async (tx) => {
    const { reason, closed } = await finishBuild(tx, buildId, end);
    if (end.outcome === 'SUCCEEDED') {
      const { dockerUrl, digest } = end;
      await setImageStatus(tx, target, { status: 'READY', dockerUrl, digest, currentBuildId: buildId });
    } else {
      await setImageStatus(tx, target, { status: 'ERROR', reason });
    }
    return closed;
  });
}

/**
 * The image ERROR with a short reason, and its build FAILED, written without anything the build produced: what the
 * workflow falls back on when completeImageBuild keeps failing, so that the image settles all the same.
 */
export async function settleImageError(
  db: Db,
  target: ImageTarget,
  buildId: string,
  reason: string,
): Promise<ClosedBuild[]> {
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(builds)
      .set({ outcome: 'FAILED', error: reason, finishedAt: sql`now()` })
      .where(and(eq(builds.id, buildId), eq(builds.outcome, 'RUNNING')))
      .returning(closedBuildColumns);
    await setImageStatus(tx, target, { status: 'ERROR', reason: [reason] });
    return closed;
  });
}
