import {
  ApplicationFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { failureMessage } from './failure-message.js';
import { DEFAULT_PULL_POLICY, verifyQueueFor, type BaseImageJob, type PullPolicy } from './jobs.js';
import { DISPATCH_STATUS } from './search-attributes.js';

// Bounded, as every records activity: a write that keeps failing ends the workflow instead of retrying forever
// (the reconciler then restarts the unsettled base image).
const RECORD_OPTIONS = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
} as const;
const { setBaseImageStatus } = proxyActivities<Activities>(RECORD_OPTIONS);
// The ERROR write of current runs: a local activity runs inside the workflow task that asks for it (one Postgres
// round trip, no Temporal task round trips). Safe to run again: guarded by the generation, and idempotent.
const local = proxyLocalActivities<Activities>(RECORD_OPTIONS);

/**
 * patched() id of the verification in one activity (verifyBaseImage: in progress, pull, READY). Runs started before
 * replay the three activities of legacyVerification; delete it with the patch once none is in flight.
 */
const ONE_VERIFY_ACTIVITY = 'base-image-one-verify-activity';

type Target = { id: string; generation: number };
const inProgressOf = (job: BaseImageJob) => (job.generation === 1 ? 'CREATING' : 'UPDATING');

/** The pull's activity options: on the verify queue, retried and heartbeated as the job's policy says. */
function verifyActivities(policy: PullPolicy) {
  return proxyActivities<Activities>({
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
}

/** Verifies a base image by pulling it, then records READY with its digest, or ERROR with Docker's message. */
export async function baseImageWorkflow(job: BaseImageJob): Promise<void> {
  const policy = job.pullPolicy ?? DEFAULT_PULL_POLICY;
  if (!patched(ONE_VERIFY_ACTIVITY)) return legacyVerification(job, policy);
  const target = { id: job.id, generation: job.generation };
  const inProgress = inProgressOf(job);
  // Shown from the start: the activity writes the in-progress status itself, so the run cannot wait to see it applied.
  upsertSearchAttributes([{ key: DISPATCH_STATUS, value: inProgress }]);
  try {
    const { current } = await verifyActivities(policy).verifyBaseImage({
      target,
      dockerUrl: job.dockerUrl,
      inProgress,
    });
    // Not current: superseded or deleted, before the pull or during it; the newer run records its own outcome.
    if (current) upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'READY' }]);
  } catch (err) {
    throw await recordError(job, target, err, local.setBaseImageStatus);
  }
}

/** Records ERROR with the failure's message; answers what the run fails with. */
async function recordError(
  job: BaseImageJob,
  target: Target,
  err: unknown,
  write: Activities['setBaseImageStatus'],
): Promise<unknown> {
  if (isCancellation(err)) return err;
  const reason = failureMessage(err);
  if (await write(target, { status: 'ERROR', reason: [reason] })) {
    upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'ERROR' }]);
  }
  return ApplicationFailure.nonRetryable(`base image ${job.name}: ${reason}`, 'BaseImageError');
}

/** The verification of runs started before ONE_VERIFY_ACTIVITY: three activities, as their histories hold them. */
async function legacyVerification(job: BaseImageJob, policy: PullPolicy): Promise<void> {
  const target = { id: job.id, generation: job.generation };
  const inProgress = inProgressOf(job);
  if (!(await setBaseImageStatus(target, { status: inProgress }))) return; // superseded or deleted meanwhile
  upsertSearchAttributes([{ key: DISPATCH_STATUS, value: inProgress }]);
  try {
    const { digest } = await verifyActivities(policy).pullImage({ dockerUrl: job.dockerUrl, baseImageId: job.id });
    if (await setBaseImageStatus(target, { status: 'READY', digest })) {
      upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'READY' }]);
    }
  } catch (err) {
    throw await recordError(job, target, err, setBaseImageStatus);
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
