import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, it } from 'vitest';
import type { ImageTarget } from '../../db/image-builds.js';
import type { imageCleanupWorkflow, imageWorkflow } from '../../workflows/image.js';
import { batchQueueFor, workflowIdFor, type ImageJob } from '../../workflows/jobs.js';
import { baseState, useStubWorkers, type Scenario, type Stubs } from './stub-worker.js';

// imageWorkflow on stub activities: the base image wait, the org's build slot, where the Docker work runs, and what
// it records on success, failure and supersede. The tests run concurrently: each waits out real workflow timers.

const BUILD_ID = '00000000-0000-4000-8000-0000000000b1';
const PUSHED = { dockerUrl: '127.0.0.1:5000/dispatch/img-1:00000000-0000', digest: `sha256:${'b'.repeat(64)}` };
const POLICY = { buildTimeoutMs: 60_000, heartbeatTimeoutMs: 30_000, baseImageWaitMs: 60_000 };

const stub = useStubWorkers('wf-image');

const jobFor = (run: Scenario, overrides: Partial<ImageJob> = {}): ImageJob => ({
  id: 'img-1',
  org: run.org,
  name: 'web',
  generation: 1,
  baseImageName: 'py',
  trigger: 'create',
  policy: POLICY,
  ...overrides,
});

/** A build that goes well: the base image READY, a slot free, the push and the catalog answered. */
const happyStubs = (overrides: Stubs = {}): Stubs => ({
  beginImageBuild: async () => ({ buildId: BUILD_ID, base: baseState('READY') }),
  acquireBuildSlot: async () => true,
  releaseBuildSlot: async () => undefined,
  buildAndPush: async () => PUSHED,
  recordCatalog: async () => ({ packages: 12 }),
  completeImageBuild: async () => undefined,
  ...overrides,
});

const start = (job: ImageJob) =>
  stub.env.client.workflow.start<typeof imageWorkflow>('imageWorkflow', {
    taskQueue: stub.workers.taskQueue,
    workflowId: workflowIdFor('Image', job.org, job.name),
    args: [job],
  });

/** The message of the failure a run ended with (the workflow's own ApplicationFailure). */
async function failureOf(handle: WorkflowHandle<typeof imageWorkflow>): Promise<string> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WorkflowFailedError)) throw new Error(`expected the run to fail, it answered ${String(err)}`);
  return err.cause?.message ?? '';
}

const targetOf = (job: ImageJob): ImageTarget => ({
  id: job.id,
  org: job.org,
  generation: job.generation,
  baseImageName: job.baseImageName,
});

describe.concurrent('imageWorkflow', () => {
  it("builds FROM the base image's verified digest, on the main queue, and records READY", async ({ expect }) => {
    const run = stub.workers.scenario(happyStubs());
    const job = jobFor(run);
    const result = await (await start(job)).result();
    expect(result).toEqual({ buildId: BUILD_ID });
    const { recorder } = run;
    expect(recorder.named('beginImageBuild')).toEqual([
      expect.objectContaining({ target: targetOf(job), status: 'CREATING', trigger: 'create' }),
    ]);
    // The base image was READY from the start: no waiting.
    expect(recorder.named('readBaseImage')).toEqual([]);
    expect(recorder.named('buildAndPush')).toEqual([
      {
        buildId: BUILD_ID,
        imageId: job.id,
        baseImageName: 'py',
        baseRef: `127.0.0.1:5000/dispatch-test/python@sha256:${'a'.repeat(64)}`,
        baseDigest: `sha256:${'a'.repeat(64)}`,
        allowReuse: true,
      },
    ]);
    // A developer's build never waits behind batch slots.
    const heavy = recorder.calls.filter((c) => c.name === 'buildAndPush' || c.name === 'recordCatalog');
    expect(heavy.map((c) => c.taskQueue)).toEqual([stub.workers.taskQueue, stub.workers.taskQueue]);
    expect(recorder.named('recordCatalog')).toEqual([{ buildId: BUILD_ID, imageId: job.id, ...PUSHED }]);
    expect(recorder.named('completeImageBuild')).toEqual([
      { target: targetOf(job), buildId: BUILD_ID, end: { outcome: 'SUCCEEDED', ...PUSHED } },
    ]);
    expect(recorder.names().at(-1)).toBe('completeImageBuild');
  });

  it("runs a batch rebuild's Docker work on the batch queue; a forced build does not reuse", async ({ expect }) => {
    const run = stub.workers.scenario(happyStubs());
    const job = jobFor(run, { trigger: 'rebuild', rebuildId: 'rebuild-1', force: true, generation: 3 });
    await (await start(job)).result();
    const { recorder } = run;
    expect(recorder.named('beginImageBuild')).toEqual([
      expect.objectContaining({ status: 'UPDATING', trigger: 'rebuild', rebuildId: 'rebuild-1' }),
    ]);
    expect(recorder.named('buildAndPush')).toEqual([expect.objectContaining({ allowReuse: false })]);
    for (const call of recorder.calls) {
      const heavy = call.name === 'buildAndPush' || call.name === 'recordCatalog';
      expect(call.taskQueue, call.name).toBe(heavy ? batchQueueFor(stub.workers.taskQueue) : stub.workers.taskQueue);
    }
  });

  it('waits while the base image is not READY, then builds FROM the digest it became READY at', async ({ expect }) => {
    const fresh = `sha256:${'c'.repeat(64)}`;
    // Being re-verified: UPDATING, still carrying the digest it had before. Building from that would be wrong.
    const stubs = happyStubs({
      beginImageBuild: async () => ({
        buildId: BUILD_ID,
        base: baseState('UPDATING', { digest: `sha256:${'0'.repeat(64)}` }),
      }),
      readBaseImage: async () => baseState('READY', { digest: fresh }),
    });
    const run = stub.workers.scenario(stubs);
    const job = jobFor(run, { generation: 2 });
    await (await start(job)).result();
    const { recorder } = run;
    expect(recorder.named('readBaseImage')).toEqual([{ org: job.org, name: 'py' }]);
    expect(recorder.names().indexOf('readBaseImage')).toBeLessThan(recorder.names().indexOf('buildAndPush'));
    expect(recorder.named('buildAndPush')).toEqual([
      expect.objectContaining({ baseDigest: fresh, baseRef: `127.0.0.1:5000/dispatch-test/python@${fresh}` }),
    ]);
    expect(recorder.named('completeImageBuild')).toEqual([
      expect.objectContaining({ end: expect.objectContaining({ outcome: 'SUCCEEDED' }) }),
    ]);
  });

  it('fails with ERROR naming the base image when the base image turns ERROR while it waits', async ({ expect }) => {
    const stubs = happyStubs({
      beginImageBuild: async () => ({ buildId: BUILD_ID, base: baseState('CREATING') }),
      readBaseImage: async () => baseState('ERROR', { reason: ['manifest unknown'] }),
    });
    const run = stub.workers.scenario(stubs);
    const job = jobFor(run);
    const message = await failureOf(await start(job));
    expect(message).toBe('image web: base image py is in ERROR: manifest unknown');
    const { recorder } = run;
    expect(recorder.named('completeImageBuild')).toEqual([
      {
        target: targetOf(job),
        buildId: BUILD_ID,
        end: { outcome: 'FAILED', reason: ['base image py is in ERROR: manifest unknown'] },
      },
    ]);
    expect(recorder.named('acquireBuildSlot')).toEqual([]);
    expect(recorder.named('buildAndPush')).toEqual([]);
  });

  it('fails with ERROR when the base image does not exist', async ({ expect }) => {
    const stubs = happyStubs({ beginImageBuild: async () => ({ buildId: BUILD_ID, base: null }) });
    const run = stub.workers.scenario(stubs);
    const job = jobFor(run);
    expect(await failureOf(await start(job))).toBe('image web: base image py not found');
    expect(run.recorder.named('completeImageBuild')).toEqual([
      expect.objectContaining({ end: { outcome: 'FAILED', reason: ['base image py not found'] } }),
    ]);
    expect(run.recorder.named('buildAndPush')).toEqual([]);
  });

  it('gives up with ERROR when the base image is still not READY after the wait the policy allows', async ({
    expect,
  }) => {
    const stubs = happyStubs({
      beginImageBuild: async () => ({ buildId: BUILD_ID, base: baseState('CREATING') }),
      readBaseImage: async () => baseState('CREATING'),
    });
    const run = stub.workers.scenario(stubs);
    const job = jobFor(run, { policy: { ...POLICY, baseImageWaitMs: 1 } });
    const reason = 'base image py did not become READY in time (still CREATING)';
    expect(await failureOf(await start(job))).toBe(`image web: ${reason}`);
    expect(run.recorder.named('completeImageBuild')).toEqual([
      expect.objectContaining({ end: { outcome: 'FAILED', reason: [reason] } }),
    ]);
    expect(run.recorder.named('buildAndPush')).toEqual([]);
  });

  it("waits for one of its org's build slots, builds only once it has one, and gives it back", async ({ expect }) => {
    let answers = [false, true];
    const stubs = happyStubs({
      acquireBuildSlot: async () => {
        const [free = true, ...rest] = answers;
        answers = rest;
        return free;
      },
    });
    const run = stub.workers.scenario(stubs);
    const job = jobFor(run);
    await (await start(job)).result();
    const { recorder } = run;
    const slot = { org: job.org, buildId: BUILD_ID };
    expect(recorder.named('acquireBuildSlot')).toEqual([slot, slot]);
    expect(
      recorder.names().filter((n) => ['acquireBuildSlot', 'buildAndPush', 'releaseBuildSlot'].includes(n)),
    ).toEqual(['acquireBuildSlot', 'acquireBuildSlot', 'buildAndPush', 'releaseBuildSlot']);
    expect(recorder.named('releaseBuildSlot')).toEqual([slot]);
  });

  it('stops without writing anything when the image moved on before it began (superseded or deleted)', async ({
    expect,
  }) => {
    const run = stub.workers.scenario(happyStubs({ beginImageBuild: async () => null }));
    const job = jobFor(run, { generation: 4 });
    expect(await (await start(job)).result()).toBeNull();
    expect(run.recorder.names()).toEqual(['beginImageBuild']);
  });

  it("settles ERROR with the build's own reason when the build fails, and gives its slot back", async ({ expect }) => {
    const reason = 'pip install: no matching distribution found for flask==99';
    const stubs = happyStubs({
      buildAndPush: async () => {
        throw ApplicationFailure.nonRetryable(reason, 'BuildFailed');
      },
    });
    const run = stub.workers.scenario(stubs);
    const job = jobFor(run);
    expect(await failureOf(await start(job))).toBe(`image web: ${reason}`);
    const { recorder } = run;
    expect(recorder.named('releaseBuildSlot')).toEqual([{ org: job.org, buildId: BUILD_ID }]);
    expect(recorder.named('recordCatalog')).toEqual([]);
    expect(recorder.named('completeImageBuild')).toEqual([
      { target: targetOf(job), buildId: BUILD_ID, end: { outcome: 'FAILED', reason: [reason] } },
    ]);
    expect(recorder.named('settleImageError')).toEqual([]);
  });

  it("falls back on a reason of its own when even the build's ERROR cannot be recorded", async ({ expect }) => {
    const stubs = happyStubs({
      buildAndPush: async () => {
        throw ApplicationFailure.nonRetryable('docker build failed', 'BuildFailed');
      },
      completeImageBuild: async () => {
        throw ApplicationFailure.nonRetryable('value too long for type character varying', 'DbError');
      },
      settleImageError: async () => undefined,
    });
    const run = stub.workers.scenario(stubs);
    const job = jobFor(run);
    expect(await failureOf(await start(job))).toBe('image web: docker build failed');
    expect(run.recorder.named('settleImageError')).toEqual([
      { target: targetOf(job), buildId: BUILD_ID, reason: "the build's result could not be recorded" },
    ]);
  });
});

describe('imageCleanupWorkflow', () => {
  it("removes the local copy of every one of the deleted image's builds, in use or not", async ({ expect }) => {
    const dockerUrls = ['127.0.0.1:5000/dispatch/img-1:aaaa', '127.0.0.1:5000/dispatch/img-1:bbbb'];
    const run = stub.workers.scenario({ removeLocalImage: async () => undefined });
    await stub.env.client.workflow.execute<typeof imageCleanupWorkflow>('imageCleanupWorkflow', {
      taskQueue: stub.workers.taskQueue,
      workflowId: `image-cleanup/${run.org}/web`,
      args: [{ dockerUrls }],
    });
    expect(run.recorder.named('removeLocalImage')).toEqual(
      dockerUrls.map((dockerUrl) => ({ dockerUrl, onlyIfUnused: false })),
    );
  });
});
