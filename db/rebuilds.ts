import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { safeLine } from '../safe-text.js';
import type { Queryable } from './client.js';
import { imagesHoldingPackage } from './packages.js';
import { keysetOrder, keyText, type Keyset, type RowWindow } from './keyset.js';
import { images, rebuildItems, rebuilds, rebuildSchedules, type RebuildSelector } from './schema.js';

export type RebuildOpen = {
  id: string;
  org: string;
  selector: RebuildSelector;
  dryRun: boolean;
  force: boolean;
  trigger: string;
  workflowId?: string;
};
export type PlannedItem = { imageName: string; baseImageName: string; rebuild: boolean; reason: string };

/** Opens the rebuild's row; a retried activity finds it again. */
export async function openRebuild(db: Queryable, open: RebuildOpen): Promise<void> {
  await db.insert(rebuilds).values(open).onConflictDoNothing({ target: rebuilds.id });
}

/** The images a selector picks in an org, in name order. */
export async function selectImages(db: Queryable, org: string, selector: RebuildSelector) {
  if ('package' in selector) return imagesHoldingPackage(db, org, selector.package);
  const filter =
    'baseImageName' in selector
      ? eq(images.baseImageName, selector.baseImageName)
      : 'tag' in selector
        ? sql`${images.tags} @> ${JSON.stringify([selector.tag])}::jsonb`
        : undefined;
  return db
    .select({ id: images.id, name: images.name, baseImageName: images.baseImageName, generation: images.generation })
    .from(images)
    .where(filter ? and(eq(images.org, org), filter) : eq(images.org, org))
    .orderBy(asc(images.name));
}

export async function recordPlan(db: Queryable, rebuildId: string, items: PlannedItem[], dryRun: boolean) {
  await db.transaction(async (tx) => {
    await tx.delete(rebuildItems).where(eq(rebuildItems.rebuildId, rebuildId));
    if (items.length) {
      const outcome = (i: PlannedItem) => (i.rebuild ? (dryRun ? 'PLANNED' : 'PENDING') : 'SKIPPED');
      // Reasons may quote a registry's answer to a re-verification: stored as safe, short lines.
      const rows = items.map((i) => ({ ...i, reason: safeLine(i.reason), rebuildId, outcome: outcome(i) }));
      await tx.insert(rebuildItems).values(rows);
    }
    await tx
      .update(rebuilds)
      .set({ status: dryRun ? 'DONE' : 'RUNNING' })
      .where(eq(rebuilds.id, rebuildId));
    if (dryRun)
      await tx
        .update(rebuilds)
        .set({ finishedAt: sql`now()` })
        .where(eq(rebuilds.id, rebuildId));
  });
}

export async function setItemOutcome(
  db: Queryable,
  rebuildId: string,
  imageName: string,
  change: { outcome: string; reason?: string; buildId?: string },
): Promise<void> {
  const safe = change.reason === undefined ? change : { ...change, reason: safeLine(change.reason) };
  await db
    .update(rebuildItems)
    .set(safe)
    .where(and(eq(rebuildItems.rebuildId, rebuildId), eq(rebuildItems.imageName, imageName)));
}

export async function finishRebuild(db: Queryable, rebuildId: string): Promise<void> {
  await db
    .update(rebuilds)
    .set({ status: 'DONE', finishedAt: sql`now()` })
    .where(eq(rebuilds.id, rebuildId));
}

export async function findRebuild(db: Queryable, org: string, id: string) {
  const [row] = await db
    .select()
    .from(rebuilds)
    .where(and(eq(rebuilds.org, org), eq(rebuilds.id, id)));
  if (!row) return undefined;
  const items = await db
    .select()
    .from(rebuildItems)
    .where(eq(rebuildItems.rebuildId, id))
    .orderBy(asc(rebuildItems.imageName));
  return { ...row, items };
}

/** Rebuilds are listed newest first, the id breaking ties. */
export const REBUILD_ORDER: Keyset = { columns: [rebuilds.createdAt, rebuilds.id], direction: 'desc' };

export async function listRebuilds(db: Queryable, org: string, window: RowWindow) {
  return db
    .select({ ...getTableColumns(rebuilds), cursorKey: keyText(REBUILD_ORDER) })
    .from(rebuilds)
    .where(and(eq(rebuilds.org, org), window.after))
    .orderBy(...keysetOrder(REBUILD_ORDER))
    .limit(window.limit);
}

export type ScheduleSpec = { name: string; cron: string; selector: RebuildSelector; force: boolean };

export async function insertSchedule(db: Queryable, org: string, spec: ScheduleSpec) {
  const [row] = await db
    .insert(rebuildSchedules)
    .values({ org, ...spec })
    .onConflictDoNothing({ target: [rebuildSchedules.org, rebuildSchedules.name] })
    .returning();
  return row;
}

/** Schedules are listed by name, unique in an org. */
export const SCHEDULE_ORDER: Keyset = { columns: [rebuildSchedules.name], direction: 'asc' };

export async function listSchedules(db: Queryable, org: string, window: RowWindow) {
  return db
    .select({ ...getTableColumns(rebuildSchedules), cursorKey: keyText(SCHEDULE_ORDER) })
    .from(rebuildSchedules)
    .where(and(eq(rebuildSchedules.org, org), window.after))
    .orderBy(...keysetOrder(SCHEDULE_ORDER))
    .limit(window.limit);
}

export async function findSchedule(db: Queryable, org: string, name: string) {
  const [row] = await db
    .select()
    .from(rebuildSchedules)
    .where(and(eq(rebuildSchedules.org, org), eq(rebuildSchedules.name, name)));
  return row;
}

export async function deleteSchedule(db: Queryable, org: string, name: string) {
  const [row] = await db
    .delete(rebuildSchedules)
    .where(and(eq(rebuildSchedules.org, org), eq(rebuildSchedules.name, name)))
    .returning();
  return row;
}

export async function deleteRebuild(db: Queryable, id: string): Promise<void> {
  await db.delete(rebuilds).where(eq(rebuilds.id, id));
}

/** Rebuilds not DONE that started more than `olderThanSeconds` ago, with the workflow that should be running them. */
export async function listUnfinishedRebuilds(db: Queryable, olderThanSeconds: number) {
  return db
    .select({ id: rebuilds.id, org: rebuilds.org, trigger: rebuilds.trigger, workflowId: rebuilds.workflowId })
    .from(rebuilds)
    .where(
      and(
        sql`${rebuilds.status} in ('PLANNING', 'RUNNING')`,
        sql`${rebuilds.createdAt} < now() - make_interval(secs => ${olderThanSeconds})`,
      ),
    );
}

/**
 * Closes a rebuild whose workflow is gone (terminated, timed out, failed): DONE, and every image it had not finished
 * FAILED with `reason`, so that it stops looking in progress and `rebuild --wait` ends.
 */
export async function abandonRebuild(db: Queryable, rebuildId: string, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(rebuildItems)
      .set({ outcome: 'FAILED', reason })
      .where(and(eq(rebuildItems.rebuildId, rebuildId), sql`${rebuildItems.outcome} in ('PENDING', 'RUNNING')`));
    await tx
      .update(rebuilds)
      .set({ status: 'DONE', finishedAt: sql`now()` })
      .where(and(eq(rebuilds.id, rebuildId), sql`${rebuilds.status} <> 'DONE'`));
  });
}
