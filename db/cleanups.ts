import { eq, sql } from 'drizzle-orm';
import type { Queryable } from './client.js';
import { pendingCleanups, type PendingCleanup } from './schema.js';

export type CleanupRecord = Omit<PendingCleanup, 'id' | 'createdAt'>;

/** Records a delete's cleanup; call it in the delete's transaction. Answers the record's id. */
export async function recordCleanup(db: Queryable, cleanup: CleanupRecord): Promise<string> {
  const [row] = await db.insert(pendingCleanups).values(cleanup).returning({ id: pendingCleanups.id });
  return row!.id;
}

/** Once its workflow started, a cleanup is Temporal's to finish. */
export async function forgetCleanup(db: Queryable, id: string): Promise<void> {
  await db.delete(pendingCleanups).where(eq(pendingCleanups.id, id));
}

export async function listPendingCleanups(db: Queryable, olderThanSeconds: number): Promise<PendingCleanup[]> {
  return db
    .select()
    .from(pendingCleanups)
    .where(sql`${pendingCleanups.createdAt} < now() - make_interval(secs => ${olderThanSeconds})`);
}
