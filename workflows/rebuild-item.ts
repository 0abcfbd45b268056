import {
  ChildWorkflowFailure,
  executeChild,
  ParentClosePolicy,
  proxyActivities,
  TerminatedFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { failureMessage } from './failure-message.js';
import type { imageWorkflow } from './image.js';
import { verifyQueueFor, workflowIdFor, type ImageJob, type RebuildJob } from './jobs.js';
import { searchAttributesFor } from './search-attributes.js';

// What both versions of the batch rebuild share (workflows/rebuild.ts, workflows/rebuild-legacy.ts): the same
// activity options and the same commands per image, so that runs of either replay.

export const records = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { maximumInterval: '30s', maximumAttempts: 10 },
});

/** Pulls and plans, on the verify queue (workflowInfo is only readable inside a workflow). */
export const verifyActivities = () =>
  proxyActivities<Activities>({
    taskQueue: verifyQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: '10m',
    heartbeatTimeout: '30s',
    retry: { maximumInterval: '30s', maximumAttempts: 5 },
  });

/** The rebuild row's fields of a job. */
export const pick = ({ org, selector, dryRun, force, trigger }: RebuildJob) => ({
  org,
  selector,
  dryRun,
  force,
  trigger,
});

export type ItemToRebuild = { imageId: string; imageName: string; baseImageName: string; generation: number };
export type ItemOutcome = 'SUCCEEDED' | 'SKIPPED' | 'FAILED';

/** Builds one image of the batch as a child imageWorkflow, and records what became of it on its plan row. */
export async function rebuildOne(
  job: RebuildJob,
  rebuildId: string,
  item: ItemToRebuild,
  force: boolean,
): Promise<ItemOutcome> {
  const outcome = async <O extends ItemOutcome | 'RUNNING'>(outcome: O, reason?: string, buildId?: string) => {
    await records.setRebuildItemOutcome({ rebuildId, imageName: item.imageName, outcome, reason, buildId });
    return outcome;
  };
  const imageJob: ImageJob = {
    id: item.imageId,
    org: job.org,
    name: item.imageName,
    generation: item.generation,
    baseImageName: item.baseImageName,
    trigger: 'rebuild',
    policy: job.policy,
    force,
    rebuildId,
  };
  await outcome('RUNNING');
  try {
    const built = await executeChild<typeof imageWorkflow>('imageWorkflow', {
      workflowId: workflowIdFor('Image', job.org, item.imageName),
      args: [imageJob],
      taskQueue: workflowInfo().taskQueue,
      // A build that has started finishes even if the batch is stopped.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: searchAttributesFor('Image', job.org, item.imageName, 'UPDATING'),
    });
    if (built) return await outcome('SUCCEEDED', undefined, built.buildId);
    return await outcome('SKIPPED', 'the image changed since the plan; its own build takes over');
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return outcome('SKIPPED', 'a build of this image was already running');
    }
    if (err instanceof ChildWorkflowFailure && err.cause instanceof TerminatedFailure) {
      return outcome('SKIPPED', 'superseded by a newer spec of the image');
    }
    return outcome('FAILED', failureMessage(err));
  }
}
