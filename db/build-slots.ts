import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { builds, orgBuildSlots } from './schema.js';

/**
 * Takes one of the org's build slots for `buildId` unless the org already holds `cap` of them, fleet-wide; answers
 * whether the build may run. Idempotent (a retried call finds its slot again). Serialised per org by an advisory
 * lock, so two workers never both take the last slot. Slots of builds no longer RUNNING are freed on the way
 * (a superseded one's a minute later).
 */
export async function acquireBuildSlot(db: Db, org: string, buildId: string, cap: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`org-build-slots:${org}`}))`);
    // A superseded build's activity runs on until its next heartbeat answer tells it to stop: its slot stays
    // taken for a minute after, so an org replacing its specs in a loop cannot run more builds than its cap.
    await tx.execute(
      sql`delete from ${orgBuildSlots} s using ${builds} b
          where s.org = ${org} and b.id = s.build_id and b.outcome <> 'RUNNING'
            and (b.outcome <> 'SUPERSEDED' or b.finished_at < now() - interval '60 seconds')`,
    );
    const [mine] = await tx.select().from(orgBuildSlots).where(eq(orgBuildSlots.buildId, buildId));
    if (mine) return true;
    const [{ held } = { held: 0 }] = await tx
      .select({ held: sql<number>`count(*)::int` })
      .from(orgBuildSlots)
      .where(eq(orgBuildSlots.org, org));
    if (held >= cap) return false;
    await tx.insert(orgBuildSlots).values({ org, buildId });
    return true;
  });
}

export async function releaseBuildSlot(db: Db, org: string, buildId: string): Promise<void> {
  await db.delete(orgBuildSlots).where(and(eq(orgBuildSlots.org, org), eq(orgBuildSlots.buildId, buildId)));
}
