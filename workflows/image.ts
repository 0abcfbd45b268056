import {
  ApplicationFailure,
  isCancellation,
  patched,
  proxyActivities,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { BaseImageState, ImageTarget } from '../db/image-builds.js';
import { repositoryOf } from '../docker-reference.js';
import { failureMessage } from './failure-message.js';
import { batchQueueFor, DEFAULT_BUILD_POLICY, type ImageJob } from './jobs.js';
import { DISPATCH_STATUS } from './search-attributes.js';

// Bounded: a write that keeps failing (about 2.5 minutes of retries) settles the image to ERROR instead of wedging it.
const records = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});
const BASE_IMAGE_POLL = '3s';
/** How often a build waiting for one of its org's build slots asks again (growing to the maximum). */
const SLOT_POLL_FIRST_MS = 1_000;
const SLOT_POLL_MAX_MS = 10_000;
/** patched() id of the per-org build slots (ORG_BUILD_CONCURRENCY). */
const ORG_BUILD_SLOTS = 'org-build-slots';

/**
 * Builds an image: wait for its base image, build FROM the verified digest and push, record the catalog, then
 * READY, or ERROR with a reason naming the failing step. One build row per run, whatever the retries.
 */
export async function imageWorkflow(job: ImageJob): Promise<{ buildId: string } | null> {
  const policy = { ...DEFAULT_BUILD_POLICY, ...job.policy };
  const heavy = proxyActivities<Activities>({
    // A batch's builds wait for the batch slots; a developer's build never does.
    taskQueue: job.rebuildId ? batchQueueFor(workflowInfo().taskQueue) : undefined,
    startToCloseTimeout: policy.buildTimeoutMs,
    scheduleToCloseTimeout: policy.buildTimeoutMs,
    heartbeatTimeout: policy.heartbeatTimeoutMs,
    retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 5 },
  });
  const target = { id: job.id, org: job.org, generation: job.generation, baseImageName: job.baseImageName };
  const status = job.trigger === 'rebuild' || job.generation > 1 ? 'UPDATING' : 'CREATING';
  const runId = workflowInfo().runId;
  const begun = await records.beginImageBuild({
    target,
    status,
    runId,
    trigger: job.trigger,
    rebuildId: job.rebuildId,
  });
  if (!begun) return null; // superseded or deleted meanwhile
  upsertSearchAttributes([{ key: DISPATCH_STATUS, value: status }]);
  const { buildId } = begun;
  try {
    const base = await waitForBaseImage(job, begun.base, policy.baseImageWaitMs);
    const baseRef = `${repositoryOf(base.dockerUrl)}@${base.digest}`;
    const request = {
      buildId,
      imageId: job.id,
      baseImageName: job.baseImageName,
      baseRef,
      baseDigest: base.digest,
      allowReuse: !job.force,
    };
    // Runs started before the per-org cap existed replay without it.
    const capped = patched(ORG_BUILD_SLOTS);
    if (capped) await waitForBuildSlot(job.org, buildId);
    const build = heavy.buildAndPush(request);
    const built = await (capped ? build.finally(() => records.releaseBuildSlot({ org: job.org, buildId })) : build);
    await heavy.recordCatalog({ buildId, imageId: job.id, ...built });
    await records.completeImageBuild({
      target,
      buildId,
      end: { outcome: 'SUCCEEDED', dockerUrl: built.dockerUrl, digest: built.digest },
    });
    upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'READY' }]);
    return { buildId };
  } catch (err) {
    if (isCancellation(err)) throw err;
    // A short reason only: the lines that explain a failed build were recorded in Postgres by the build itself.
    const reason = failureMessage(err);
    await settleError(target, buildId, reason);
    upsertSearchAttributes([{ key: DISPATCH_STATUS, value: 'ERROR' }]);
    throw ApplicationFailure.nonRetryable(`image ${job.name}: ${reason}`, 'ImageError');
  }
}

/** ERROR with the failure's reason; if even that cannot be written, ERROR with a reason of the service's own. */
async function settleError(target: ImageTarget, buildId: string, reason: string): Promise<void> {
  try {
    await records.completeImageBuild({ target, buildId, end: { outcome: 'FAILED', reason: [reason] } });
  } catch (err) {
    if (isCancellation(err)) throw err;
    await records.settleImageError({ target, buildId, reason: "the build's result could not be recorded" });
  }
}

/** Waits, on timers (no worker slot held), until the org has a build slot free: no org holds every slot. */
async function waitForBuildSlot(org: string, buildId: string): Promise<void> {
  for (let wait = SLOT_POLL_FIRST_MS; !(await records.acquireBuildSlot({ org, buildId }));) {
    await sleep(wait);
    wait = Math.min(wait * 2, SLOT_POLL_MAX_MS);
  }
}

/** Polls the base image until it is READY; ERROR, missing or too slow ends the build with a reason. */
async function waitForBaseImage(
  job: ImageJob,
  first: BaseImageState | null,
  maxWaitMs: number,
): Promise<BaseImageState & { digest: string }> {
  const deadline = Date.now() + maxWaitMs; // workflow time: deterministic
  for (let base = first; ; base = await records.readBaseImage({ org: job.org, name: job.baseImageName })) {
    if (!base) throw ApplicationFailure.nonRetryable(`base image ${job.baseImageName} not found`, 'BaseImageMissing');
    if (base.status === 'READY' && base.digest) return { ...base, digest: base.digest };
    if (base.status === 'ERROR') {
      throw ApplicationFailure.nonRetryable(
        `base image ${job.baseImageName} is in ERROR: ${base.reason.join('; ')}`,
        'BaseImageError',
      );
    }
    if (Date.now() > deadline) {
      throw ApplicationFailure.nonRetryable(
        `base image ${job.baseImageName} did not become READY in time (still ${base.status})`,
        'BaseImageNotReady',
      );
    }
    await sleep(BASE_IMAGE_POLL);
  }
}

/** Removes the local copies of a deleted image's builds and stops a build in flight (by taking its workflow id). */
export async function imageCleanupWorkflow(job: { dockerUrls: string[] }): Promise<void> {
  for (const dockerUrl of job.dockerUrls) await records.removeLocalImage({ dockerUrl, onlyIfUnused: false });
}
