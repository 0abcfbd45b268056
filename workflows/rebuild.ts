import { condition, continueAsNew, patched, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { WindowItem } from '../db/rebuild-plans.js';
import { DEFAULT_REBUILD_WINDOW, type RebuildJob, type RebuildOutcome } from './jobs.js';
import { legacyRebuildWorkflow } from './rebuild-legacy.js';
import { pick, rebuildOne, records, verifyActivities } from './rebuild-item.js';
import { DISPATCH_NAME, DISPATCH_STATUS } from './search-attributes.js';

/** patched() id of plans kept in Postgres and built in windows; runs started before replay the legacy code. */
const PLAN_IN_POSTGRES = 'rebuild-plan-in-postgres';
/** Base images re-verified at a time (each is a pull). */
const BASE_VERIFY_BATCH = 20;

/**
 * A batch rebuild of any size: re-verify the selected images' base images, plan every selected image into Postgres
 * (rebuild only what changed, or everything when forced), and unless it is a dry run, build the plan in windows of
 * `window.size` images with at most `concurrency` builds at a time. After a window, a run whose history grew past
 * `window.maxRunEvents` continues as new, so no run's history grows with the fleet. Images with identical inputs
 * are built once: the first builds, the others (in this window or a later one) reuse its result.
 */
export async function rebuildWorkflow(job: RebuildJob): Promise<RebuildOutcome> {
  if (!job.resume && !patched(PLAN_IN_POSTGRES)) return legacyRebuildWorkflow(job);
  const rebuildId = job.rebuildId ?? uuid4();
  if (!job.resume) {
    upsertSearchAttributes([{ key: DISPATCH_NAME, value: rebuildId }]);
    await records.openRebuild({ id: rebuildId, ...pick(job), workflowId: workflowInfo().workflowId });
    const planned = await plan(job, rebuildId);
    if (job.dryRun) {
      upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'DONE' }]);
      return { rebuildId, ...planned };
    }
    upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'RUNNING' }]);
  }
  const window = { ...DEFAULT_REBUILD_WINDOW, ...job.window };
  for (;;) {
    const items = await records.nextRebuildWindow({ rebuildId, size: window.size });
    if (!items.length) break;
    await buildWindow(job, rebuildId, items);
    // Every build of the window has ended, so the cap holds across runs: the next run starts with none running.
    if (workflowInfo().historyLength > window.maxRunEvents || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof rebuildWorkflow>({ ...job, rebuildId, resume: true });
    }
  }
  await records.finishRebuild({ rebuildId });
  upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'DONE' }]);
  return { rebuildId };
}

/** Re-verifies the base images (a pull each, a few at a time) and plans every selected image into Postgres. */
async function plan(job: RebuildJob, rebuildId: string) {
  const docker = verifyActivities();
  const names = await records.selectRebuildBaseImages({ org: job.org, selector: job.selector });
  const bases = [];
  for (let i = 0; i < names.length; i += BASE_VERIFY_BATCH) {
    const batch = names.slice(i, i + BASE_VERIFY_BATCH);
    bases.push(
      ...(await Promise.all(batch.map((name) => docker.reverifyBaseImage({ org: job.org, name, dryRun: job.dryRun })))),
    );
  }
  const { org, selector, force, dryRun } = job;
  return docker.planRebuildItems({ rebuildId, org, selector, bases, force, dryRun });
}

/**
 * Builds a window's items, at most `job.concurrency` at a time. Items of identical inputs go one after another until
 * one of them succeeds (each forced when the rebuild is), then the rest of them at once: they reuse that build.
 */
async function buildWindow(job: RebuildJob, rebuildId: string, items: WindowItem[]): Promise<void> {
  let running = 0;
  // The predicate takes the slot itself: conditions unblocked in one activation would otherwise all see it free.
  const takeSlot = () => condition(() => running < job.concurrency && ++running > 0);
  const inSlot = async <T>(work: () => Promise<T>) => {
    await takeSlot();
    try {
      return await work();
    } finally {
      running--;
    }
  };
  const groups = new Map<string, WindowItem[]>();
  for (const item of items) groups.set(item.inputsSha256, [...(groups.get(item.inputsSha256) ?? []), item]);
  await Promise.all(
    [...groups.values()].map(async (group) => {
      let built = group[0]!.inputsBuilt;
      let next = 0;
      while (!built && next < group.length) {
        const item = group[next++]!;
        built = (await inSlot(() => rebuildOne(job, rebuildId, item, job.force))) === 'SUCCEEDED';
      }
      await Promise.all(group.slice(next).map((item) => inSlot(() => rebuildOne(job, rebuildId, item, false))));
    }),
  );
}
