import type { Db } from '../db/client.js';
import { forgetCleanup } from '../db/cleanups.js';
import type { Logger } from '../logger.js';

/**
 * Starts a delete's cleanup workflow and forgets its record (db/cleanups.ts); when the start fails, the record stays
 * and the reconciler starts the cleanup later. Never fails the delete: the resource is gone either way.
 */
export async function startCleanup(db: Db, cleanupId: string, start: () => Promise<void>, logger: Logger) {
  try {
    await start();
    await forgetCleanup(db, cleanupId);
  } catch (err) {
    logger.warn('cleanup not started; the reconciler will start it', { cleanupId, error: String(err) });
  }
}
