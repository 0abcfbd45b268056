import {
  condition,
  executeChild,
  ParentClosePolicy,
  ChildWorkflowFailure,
  TerminatedFailure,
  proxyActivities,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import type { ImagePlan } from '../activities/rebuild.js';
import { failureMessage } from './failure-message.js';
import type { imageWorkflow } from './image.js';
import { verifyQueueFor, workflowIdFor, type ImageJob, type RebuildJob, type RebuildOutcome } from './jobs.js';
import { DISPATCH_NAME, DISPATCH_STATUS, searchAttributesFor } from './search-attributes.js';

const records = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { maximumInterval: '30s', maximumAttempts: 10 },
});
/** Pulls and plans, on the verify queue (workflowInfo is only readable inside a workflow). */
const verifyActivities = () =>
  proxyActivities<Activities>({
    taskQueue: verifyQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: '10m',
    heartbeatTimeout: '30s',
    retry: { maximumInterval: '30s', maximumAttempts: 5 },
  });

/**
 * A batch rebuild: re-verify the selected images' base images, plan (rebuild only what changed, or everything when
 * forced), and unless it is a dry run, build the plan with at most `concurrency` builds at a time. Images with
 * identical inputs are built once: they queue behind one another and the later ones reuse the first's result.
 */
export async function rebuildWorkflow(job: RebuildJob): Promise<RebuildOutcome> {
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

const pick = ({ org, selector, dryRun, force, trigger }: RebuildJob) => ({ org, selector, dryRun, force, trigger });

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

async function rebuildOne(job: RebuildJob, rebuildId: string, plan: ImagePlan, force: boolean): Promise<void> {
  const outcome = (outcome: string, reason?: string, buildId?: string) =>
    records.setRebuildItemOutcome({ rebuildId, imageName: plan.imageName, outcome, reason, buildId });
  const imageJob: ImageJob = {
    id: plan.imageId,
    org: job.org,
    name: plan.imageName,
    generation: plan.generation,
    baseImageName: plan.baseImageName,
    trigger: 'rebuild',
    policy: job.policy,
    force,
    rebuildId,
  };
  await outcome('RUNNING');
  try {
    const built = await executeChild<typeof imageWorkflow>('imageWorkflow', {
      workflowId: workflowIdFor('Image', job.org, plan.imageName),
      args: [imageJob],
      taskQueue: workflowInfo().taskQueue,
      // A build that has started finishes even if the batch is stopped.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: searchAttributesFor('Image', job.org, plan.imageName, 'UPDATING'),
    });
    if (built) await outcome('SUCCEEDED', undefined, built.buildId);
    else await outcome('SKIPPED', 'the image changed since the plan; its own build takes over');
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      await outcome('SKIPPED', 'a build of this image was already running');
    } else if (err instanceof ChildWorkflowFailure && err.cause instanceof TerminatedFailure) {
      await outcome('SKIPPED', 'superseded by a newer spec of the image');
    } else {
      await outcome('FAILED', failureMessage(err));
    }
  }
}
