import { listUnsettledBaseImages } from '../db/base-images.js';
import { listUnsettledImages } from '../db/images.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { abandonRebuild, listUnfinishedRebuilds } from '../db/rebuilds.js';
import { forgetCleanup, listPendingCleanups } from '../db/cleanups.js';
import {
  startBaseImageVerification,
  startImageBuild,
  startLateCleanup,
  type WorkflowStarter,
} from '../client/workflow-starts.js';
import { rebuildWorkflowEnded } from '../client/rebuilds.js';

/**
 * A process can die between committing a resource and starting its workflow. This sweep finds resources still
 * unsettled after `graceSeconds` and starts their workflow unless one is already running (USE_EXISTING), so every
 * resource converges to READY or ERROR. A rebuild whose workflow ended without finishing it (terminated, say) is
 * closed, its unfinished images FAILED with a reason saying so; a delete whose cleanup never started gets it.
 */
export function startReconciler(
  db: Db,
  starter: WorkflowStarter,
  logger: Logger,
  { intervalMs = 30_000, graceSeconds = 60, org }: { intervalMs?: number; graceSeconds?: number; org?: string } = {},
) {
  // `org` narrows the sweep (tests); the service sweeps every org.
  const mine = <T extends { org: string }>(rows: T[]) => rows.filter((row) => !org || row.org === org);
  const sweep = async () => {
    try {
      for (const row of mine(await listUnsettledBaseImages(db, graceSeconds))) {
        await startBaseImageVerification(starter, row, { supersede: false });
      }
      for (const row of mine(await listUnsettledImages(db, graceSeconds))) {
        await startImageBuild(starter, row, 'reconcile', { supersede: false });
      }
      for (const cleanup of mine(await listPendingCleanups(db, graceSeconds))) {
        await startLateCleanup(starter, cleanup);
        await forgetCleanup(db, cleanup.id);
      }
      for (const row of mine(await listUnfinishedRebuilds(db, graceSeconds))) {
        const ended = await rebuildWorkflowEnded(starter, row);
        if (ended)
          await abandonRebuild(db, row.id, `the rebuild's workflow ended (${ended}) before this image was built`);
      }
    } catch (err) {
      logger.warn('reconcile sweep failed; will try again', { error: String(err) });
    }
  };
  void sweep();
  const timer = setInterval(sweep, intervalMs);
  return () => clearInterval(timer);
}
