import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, it } from 'vitest';
import type { baseImageCleanupWorkflow, baseImageWorkflow } from '../../workflows/base-image.js';
import { verifyQueueFor, workflowIdFor, type BaseImageJob, type PullPolicy } from '../../workflows/jobs.js';
import { deferred, useStubWorkers, type Scenario } from './stub-worker.js';

// baseImageWorkflow on stub activities: where the pull runs, what is recorded on success and failure, how its
// retry policy is applied, and that a run whose generation is no longer current stops writing.

const DOCKER_URL = '127.0.0.1:5000/dispatch-test/python:3.12';
const DIGEST = `sha256:${'d'.repeat(64)}`;
/** Quick retries, so a failing pull settles in well under a second. */
const QUICK: PullPolicy = {
  initialIntervalMs: 50,
  maximumIntervalMs: 50,
  maximumAttempts: 3,
  heartbeatTimeoutMs: 10_000,
};

const stub = useStubWorkers('wf-base-image');

const jobFor = (run: Scenario, overrides: Partial<BaseImageJob> = {}): BaseImageJob => ({
  id: 'base-1',
  org: run.org,
  name: 'py',
  generation: 1,
  dockerUrl: DOCKER_URL,
  pullPolicy: QUICK,
  ...overrides,
});

const start = (job: BaseImageJob) =>
  stub.env.client.workflow.start<typeof baseImageWorkflow>('baseImageWorkflow', {
    taskQueue: stub.workers.taskQueue,
    workflowId: workflowIdFor('BaseImage', job.org, job.name),
    args: [job],
  });

async function failureOf(handle: WorkflowHandle<typeof baseImageWorkflow>): Promise<string> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof WorkflowFailedError)) throw new Error(`expected the run to fail, it answered ${String(err)}`);
  return err.cause?.message ?? '';
}

/** The status changes the run asked for; each must be guarded by the run's own generation of the base image. */
const writes = (run: Scenario, job: BaseImageJob) =>
  run.recorder.argsOf('setBaseImageStatus').map(([target, change]) => {
    if (target.id !== job.id || target.generation !== job.generation) {
      throw new Error(`a status write for ${JSON.stringify(target)}, not the run's own generation`);
    }
    return change;
  });

describe.concurrent('baseImageWorkflow', () => {
  it('verifies in one activity on the verify queue, for its own generation, and writes nothing else', async ({
    expect,
  }) => {
    const run = stub.workers.scenario({ verifyBaseImage: async () => ({ current: true, digest: DIGEST }) });
    const job = jobFor(run);
    await (await start(job)).result();
    // The activity writes CREATING, pulls and writes READY with the digest itself (integration: base-images.test.ts).
    expect(run.recorder.named('verifyBaseImage')).toEqual([
      { target: { id: job.id, generation: job.generation }, dockerUrl: DOCKER_URL, inProgress: 'CREATING' },
    ]);
    expect(run.recorder.names()).toEqual(['verifyBaseImage']);
    // A flood of pulls takes the verify queue's slots, never the ones builds run in.
    expect(run.recorder.calls[0]?.taskQueue).toBe(verifyQueueFor(stub.workers.taskQueue));
  });

  it('asks for UPDATING for a new spec, and a pull that succeeds on a retry is READY', async ({ expect }) => {
    let failures = 1;
    const run = stub.workers.scenario({
      verifyBaseImage: async () => {
        if (failures-- > 0) throw new Error('connection reset by peer');
        return { current: true, digest: DIGEST };
      },
    });
    const job = jobFor(run, { generation: 2 });
    await (await start(job)).result();
    expect(run.recorder.named('verifyBaseImage').map((r) => r.inProgress)).toEqual(['UPDATING', 'UPDATING']);
    expect(writes(run, job)).toEqual([]);
  });

  it("records ERROR with the pull's message once its policy's attempts run out", async ({ expect }) => {
    const message = 'manifest for 127.0.0.1:5000/dispatch-test/python:3.12 not found: manifest unknown';
    const run = stub.workers.scenario({
      setBaseImageStatus: async () => true,
      verifyBaseImage: async () => {
        throw new Error(message);
      },
    });
    const job = jobFor(run);
    expect(await failureOf(await start(job))).toBe(`base image py: ${message}`);
    expect(run.recorder.named('verifyBaseImage')).toHaveLength(QUICK.maximumAttempts);
    expect(writes(run, job)).toEqual([{ status: 'ERROR', reason: [message] }]);
    // A local activity: run by the workflow's own worker, inside its workflow task.
    const write = run.recorder.calls.find((c) => c.name === 'setBaseImageStatus');
    expect(write?.taskQueue).toBe(stub.workers.taskQueue);
  });

  it('records ERROR saying the worker stopped reporting when a pull stops heartbeating', async ({ expect }) => {
    const hung = deferred<{ current: boolean; digest: string }>();
    const run = stub.workers.scenario({ setBaseImageStatus: async () => true, verifyBaseImage: () => hung.promise });
    const job = jobFor(run, { pullPolicy: { ...QUICK, maximumAttempts: 1, heartbeatTimeoutMs: 1_000 } });
    try {
      const reason = 'the worker stopped reporting progress and the retries ran out';
      expect(await failureOf(await start(job))).toBe(`base image py: ${reason}`);
      expect(writes(run, job)).toEqual([{ status: 'ERROR', reason: [reason] }]);
    } finally {
      hung.resolve({ current: true, digest: DIGEST });
    }
  });

  it('ends without writing when its generation is no longer current (superseded or deleted)', async ({ expect }) => {
    // The activity found the row owned by a newer spec (before the pull or after it) and wrote nothing.
    const run = stub.workers.scenario({ verifyBaseImage: async () => ({ current: false }) });
    await (await start(jobFor(run))).result();
    expect(run.recorder.names()).toEqual(['verifyBaseImage']);
  });
});

describe('baseImageCleanupWorkflow', () => {
  it('removes the local copy only if no other base image uses it', async ({ expect }) => {
    const run = stub.workers.scenario({ removeLocalImage: async () => undefined });
    await stub.env.client.workflow.execute<typeof baseImageCleanupWorkflow>('baseImageCleanupWorkflow', {
      taskQueue: stub.workers.taskQueue,
      workflowId: `baseimage-cleanup/${run.org}/py`,
      args: [{ dockerUrl: DOCKER_URL }],
    });
    // Without onlyIfUnused: false, the activity keeps an image another base image (in any org) still uses.
    expect(run.recorder.named('removeLocalImage')).toEqual([{ dockerUrl: DOCKER_URL }]);
  });
});
