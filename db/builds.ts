import { and, asc, desc, eq, getTableColumns, gt, ne, sql } from 'drizzle-orm';
import { safeLine } from '../safe-text.js';
import type { Queryable } from './client.js';
import { keysetOrder, keyText, type Keyset, type RowWindow } from './keyset.js';
import {
  buildLogChunks,
  builds,
  catalogPackages,
  images,
  type BuildInputs,
  type BuildOutcome,
  type BuildRow,
  type CatalogDiff,
  type CatalogEntry,
} from './schema.js';

export type BuildStart = { imageId: string; runId: string; generation: number; trigger: string; rebuildId?: string };

/** A build row this call closed, with how long it ran (start to end, Postgres' clock): the worker's metrics. */
export type ClosedBuild = { outcome: BuildOutcome; seconds: number };
export const closedBuildColumns = {
  outcome: builds.outcome,
  seconds: sql<number>`extract(epoch from ${builds.finishedAt} - ${builds.startedAt})::float8`,
};

/**
 * The build row of a workflow run, created on first call and found again on a retry. Older builds of the image
 * still marked RUNNING were superseded (their workflow was terminated by a newer spec): answered in `superseded`.
 */
export async function startBuild(
  db: Queryable,
  start: BuildStart,
): Promise<{ buildId: string; superseded: ClosedBuild[] }> {
  const superseded = await db
    .update(builds)
    .set({ outcome: 'SUPERSEDED', finishedAt: sql`now()` })
    .where(and(eq(builds.imageId, start.imageId), eq(builds.outcome, 'RUNNING'), ne(builds.runId, start.runId)))
    .returning(closedBuildColumns);
  await db.insert(builds).values(start).onConflictDoNothing({ target: builds.runId });
  const [row] = await db.select({ id: builds.id }).from(builds).where(eq(builds.runId, start.runId));
  if (!row) throw new Error(`build of run ${start.runId} could not be recorded`);
  return { buildId: row.id, superseded };
}

export async function setBuildInputs(db: Queryable, buildId: string, inputs: BuildInputs, inputsSha256: string) {
  await db.update(builds).set({ inputs, inputsSha256 }).where(eq(builds.id, buildId));
}

/** The step a build is in (activities/build-log.ts), for `--wait` and `logs --follow` to show. */
export async function setBuildStep(db: Queryable, buildId: string, step: string): Promise<void> {
  await db.update(builds).set({ step }).where(eq(builds.id, buildId));
}

/** Recorded by a failing build activity; finishBuild adds them to the reason (see builds.failureLines). */
export async function setBuildFailureLines(db: Queryable, buildId: string, lines: string[]): Promise<void> {
  await db.update(builds).set({ failureLines: lines }).where(eq(builds.id, buildId));
}

export type BuildEnd =
  { outcome: 'SUCCEEDED'; dockerUrl: string; digest: string } | { outcome: 'FAILED'; reason: string[] };

/**
 * Closes a running build. A failure's reason is the workflow's short reason (made safe: it may quote a daemon or a
 * registry) followed by the failure lines the build activity recorded; answers the reason as stored, and the build
 * when this call closed it (not when it was closed already: a retry).
 */
export async function finishBuild(
  db: Queryable,
  buildId: string,
  end: BuildEnd,
): Promise<{ reason: string[]; closed: ClosedBuild[] }> {
  if (end.outcome === 'SUCCEEDED') {
    const done = await db
      .update(builds)
      .set({ outcome: end.outcome, dockerUrl: end.dockerUrl, digest: end.digest, finishedAt: sql`now()` })
      .where(and(eq(builds.id, buildId), eq(builds.outcome, 'RUNNING')))
      .returning(closedBuildColumns);
    return { reason: [], closed: done };
  }
  const [row] = await db.select({ lines: builds.failureLines }).from(builds).where(eq(builds.id, buildId));
  const reason = [
    ...end.reason.map((line) => safeLine(line)),
    ...(row?.lines ?? []).map((line) => safeLine(line, 1000)),
  ];
  const done = await db
    .update(builds)
    .set({ outcome: end.outcome, error: reason.join('\n'), finishedAt: sql`now()` })
    .where(and(eq(builds.id, buildId), eq(builds.outcome, 'RUNNING')))
    .returning(closedBuildColumns);
  return { reason, closed: done };
}

/** A build history is listed newest first; builds can start in the same microsecond, so the id breaks ties. */
export const BUILD_ORDER: Keyset = { columns: [builds.startedAt, builds.id], direction: 'desc' };

export async function listBuilds(db: Queryable, imageId: string, window: RowWindow) {
  return db
    .select({ ...getTableColumns(builds), cursorKey: keyText(BUILD_ORDER) })
    .from(builds)
    .where(and(eq(builds.imageId, imageId), window.after))
    .orderBy(...keysetOrder(BUILD_ORDER))
    .limit(window.limit);
}

export async function findBuild(db: Queryable, imageId: string, buildId: string): Promise<BuildRow | undefined> {
  const [row] = await db
    .select()
    .from(builds)
    .where(and(eq(builds.imageId, imageId), eq(builds.id, buildId)));
  return row;
}

export async function appendBuildLog(db: Queryable, buildId: string, text: string): Promise<void> {
  if (text) await db.insert(buildLogChunks).values({ buildId, text });
}

/**
 * Log chunks after `afterSeq`, for reading a log in pieces and following a running build. Chunks are at most
 * 64 KiB (build-log.ts), so a page holds at most a few MiB whatever the log.
 */
export async function readBuildLog(db: Queryable, buildId: string, afterSeq = 0, limit = 32) {
  return db
    .select({ seq: buildLogChunks.seq, text: buildLogChunks.text })
    .from(buildLogChunks)
    .where(and(eq(buildLogChunks.buildId, buildId), gt(buildLogChunks.seq, afterSeq)))
    .orderBy(asc(buildLogChunks.seq))
    .limit(limit);
}

// Postgres takes at most 65,535 parameters per statement; 4 per row leaves room with 1,000 rows per INSERT.
const CATALOG_ROWS_PER_INSERT = 1_000;

/**
 * Replaces a build's catalog in one transaction (written in batches, whatever its size), so a retried catalog step
 * leaves exactly one catalog.
 */
export async function replaceCatalog(db: Queryable, buildId: string, entries: CatalogEntry[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(catalogPackages).where(eq(catalogPackages.buildId, buildId));
    for (let at = 0; at < entries.length; at += CATALOG_ROWS_PER_INSERT) {
      const batch = entries.slice(at, at + CATALOG_ROWS_PER_INSERT);
      await tx.insert(catalogPackages).values(batch.map((e) => ({ buildId, ...e })));
    }
  });
}

export async function readCatalog(db: Queryable, buildId: string): Promise<CatalogEntry[]> {
  return db
    .select({ ecosystem: catalogPackages.ecosystem, name: catalogPackages.name, version: catalogPackages.version })
    .from(catalogPackages)
    .where(eq(catalogPackages.buildId, buildId))
    .orderBy(asc(catalogPackages.ecosystem), asc(catalogPackages.name));
}

/** Every place the builds of an image were pushed to, for cleaning up local copies after a delete. */
export async function buildDockerUrls(db: Queryable, imageId: string): Promise<string[]> {
  const rows = await db.select({ dockerUrl: builds.dockerUrl }).from(builds).where(eq(builds.imageId, imageId));
  return rows.flatMap((r) => (r.dockerUrl ? [r.dockerUrl] : []));
}

/**
 * A successful build in `org` made from the same inputs, other than `buildId` itself: its image can be reused
 * instead of building again.
 */
export async function findReusableBuild(db: Queryable, org: string, hash: string, buildId: string) {
  const [row] = await db
    .select({ id: builds.id, dockerUrl: builds.dockerUrl, digest: builds.digest })
    .from(builds)
    .innerJoin(images, eq(images.id, builds.imageId))
    .where(
      and(eq(images.org, org), eq(builds.inputsSha256, hash), eq(builds.outcome, 'SUCCEEDED'), ne(builds.id, buildId)),
    )
    .orderBy(desc(builds.finishedAt))
    .limit(1);
  return row?.dockerUrl && row.digest ? { id: row.id, dockerUrl: row.dockerUrl, digest: row.digest } : undefined;
}

export async function setBuildResultDetails(
  db: Queryable,
  buildId: string,
  details: { reusedBuildId?: string; catalogDiff?: CatalogDiff },
): Promise<void> {
  await db.update(builds).set(details).where(eq(builds.id, buildId));
}
