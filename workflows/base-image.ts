import {
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { failureMessage } from './failure-message.js';
import { DEFAULT_PULL_POLICY, verifyQueueFor, type BaseImageJob } from './jobs.js';
import { DISPATCH_STATUS } from './search-attributes.js';

// Bounded, as every records activity: a write that keeps failing ends the workflow instead of retrying forever
// (the reconciler then restarts the unsettled base image).
const { setBaseImageStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});

/** Verifies a base image by pulling it, then records READY with its digest, or ERROR with Docker's message. */
export async function baseImageWorkflow(job: BaseImageJob): Promise<void> {
  const policy = job.pullPolicy ?? DEFAULT_PULL_POLICY;
  const { pullImage } = proxyActivities<Activities>({
    taskQueue: verifyQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: '30m',
    heartbeatTimeout: policy.heartbeatTimeoutMs,
    retry: {
      initialInterval: policy.initialIntervalMs,
      maximumInterval: policy.maximumIntervalMs,
      backoffCoefficient: 2,
      maximumAttempts: policy.maximumAttempts,
    },
  });
  const target = { id: job.id, generation: job.generation };
  const inProgress = job.generation === 1 ? 'CREATING' : 'UPDATING';
  if (!(await setBaseImageStatus(target, { status: inProgress }))) return; // superseded or deleted meanwhile
  upsertSearchAttributes([{ key: DISPATCH_STATUS, value: inProgress }]);
  try {
    const { digest } = await pullImage({ dockerUrl: job.dockerUrl, baseImageId: job.id });
    if (await setBaseImageStatus(target, { status: 'READY', digest })) {
      upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'READY' }]);
    }
  } catch (err) {
    if (isCancellation(err)) throw err;
    const reason = failureMessage(err);
    if (await setBaseImageStatus(target, { status: 'ERROR', reason: [reason] })) {
      upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'ERROR' }]);
    }
    throw ApplicationFailure.nonRetryable(`base image ${job.name}: ${reason}`, 'BaseImageError');
  }
}

/** Removes the local copy of a deleted base image (the record is already gone). */
export async function baseImageCleanupWorkflow(job: { dockerUrl: string }): Promise<void> {
  const { removeLocalImage } = proxyActivities<Activities>({
    startToCloseTimeout: '2m',
    retry: { maximumAttempts: 5 },
  });
  await removeLocalImage(job);
}
