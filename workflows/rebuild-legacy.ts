import { condition, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { ImagePlan } from '../activities/rebuild.js';
import type { RebuildJob, RebuildOutcome } from './jobs.js';
import { pick, rebuildOne, records, verifyActivities } from './rebuild-item.js';
import { DISPATCH_NAME, DISPATCH_STATUS } from './search-attributes.js';

// The batch rebuild as it ran before plans moved to Postgres (kept for runs started before: they replay this code;
// workflows/rebuild.ts calls it when patched(PLAN_IN_POSTGRES) is false). Delete it with the patch, once no run
// started before the change is open.

/**
 * A batch rebuild: re-verify the selected images' base images, plan (rebuild only what changed, or everything when
 * forced), and unless it is a dry run, build the plan with at most `concurrency` builds at a time. Images with
 * identical inputs are built once: they queue behind one another and the later ones reuse the first's result.
 */
export async function legacyRebuildWorkflow(job: RebuildJob): Promise<RebuildOutcome> {
  const rebuildId = job.rebuildId ?? uuid4();
  const docker = verifyActivities();
  upsertSearchAttributes([{ key: DISPATCH_NAME, value: rebuildId }]);
  await records.openRebuild({ id: rebuildId, ...pick(job), workflowId: workflowInfo().workflowId });
  const selected = await records.selectRebuildImages({ org: job.org, selector: job.selector });
  const baseNames = [...new Set(selected.map((i) => i.baseImageName))];
  const bases = new Map(
    (
      await Promise.all(baseNames.map((name) => docker.reverifyBaseImage({ org: job.org, name, dryRun: job.dryRun })))
    ).map((b) => [b.name, b]),
  );
  const plans = (
    await Promise.all(
      selected.map((image) =>
        docker.planImageRebuild({ imageId: image.id, base: bases.get(image.baseImageName)!, force: job.force }),
      ),
    )
  ).filter((p): p is ImagePlan => p !== null);
  const plan = plans.map(({ imageName, baseImageName, rebuild, reason }) => ({
    imageName,
    baseImageName,
    rebuild,
    reason,
  }));
  await records.recordRebuildPlan({ rebuildId, items: plan, dryRun: job.dryRun });
  if (!job.dryRun) {
    upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'RUNNING' }]);
    await buildWithCap(job, rebuildId, groupByInputs(plans.filter((p) => p.rebuild)));
    await records.finishRebuild({ rebuildId });
  }
  upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'DONE' }]);
  return { rebuildId, plan };
}

/** Groups of images with identical inputs; each group is built in order, by one slot. */
function groupByInputs(plans: ImagePlan[]): ImagePlan[][] {
  const groups = new Map<string, ImagePlan[]>();
  for (const plan of plans) {
    const key = plan.inputsSha256 ?? plan.imageId;
    groups.set(key, [...(groups.get(key) ?? []), plan]);
  }
  return [...groups.values()];
}

async function buildWithCap(job: RebuildJob, rebuildId: string, groups: ImagePlan[][]): Promise<void> {
  let running = 0;
  const slots: Promise<void>[] = [];
  for (const group of groups) {
    await condition(() => running < job.concurrency);
    running++;
    slots.push(
      (async () => {
        // The first of a group builds (forced if asked); the others find its result and reuse it.
        for (const [index, plan] of group.entries()) await rebuildOne(job, rebuildId, plan, job.force && index === 0);
      })().finally(() => running--),
    );
  }
  await Promise.all(slots);
}
