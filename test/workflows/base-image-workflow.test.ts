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
  it('pulls on the verify queue, then records CREATING and READY with the digest', async ({ expect }) => {
    const run = stub.workers.scenario({
      setBaseImageStatus: async () => true,
      pullImage: async () => ({ digest: DIGEST }),
    });
    const job = jobFor(run);
    await (await start(job)).result();
    expect(writes(run, job)).toEqual([{ status: 'CREATING' }, { status: 'READY', digest: DIGEST }]);
    // The id lets the activity read the base image's language (a language without an installer needs a template).
    expect(run.recorder.named('pullImage')).toEqual([{ dockerUrl: DOCKER_URL, baseImageId: job.id }]);
    for (const call of run.recorder.calls) {
      // A flood of pulls takes the verify queue's slots, never the ones builds run in.
      expect(call.taskQueue, call.name).toBe(
        call.name === 'pullImage' ? verifyQueueFor(stub.workers.taskQueue) : stub.workers.taskQueue,
      );
    }
  });

  it('records UPDATING for a new spec, and a pull that succeeds on a retry is READY', async ({ expect }) => {
    let failures = 1;
    const run = stub.workers.scenario({
      setBaseImageStatus: async () => true,
      pullImage: async () => {
        if (failures-- > 0) throw new Error('connection reset by peer');
        return { digest: DIGEST };
      },
    });
    const job = jobFor(run, { generation: 2 });
    await (await start(job)).result();
    expect(run.recorder.named('pullImage')).toHaveLength(2);
    expect(writes(run, job)).toEqual([{ status: 'UPDATING' }, { status: 'READY', digest: DIGEST }]);
  });

  it("records ERROR with the pull's message once its policy's attempts run out", async ({ expect }) => {
    const message = 'manifest for 127.0.0.1:5000/dispatch-test/python:3.12 not found: manifest unknown';
    const run = stub.workers.scenario({
      setBaseImageStatus: async () => true,
      pullImage: async () => {
        throw new Error(message);
      },
    });
    const job = jobFor(run);
    expect(await failureOf(await start(job))).toBe(`base image py: ${message}`);
    expect(run.recorder.named('pullImage')).toHaveLength(QUICK.maximumAttempts);
    expect(writes(run, job)).toEqual([{ status: 'CREATING' }, { status: 'ERROR', reason: [message] }]);
  });

  it('records ERROR saying the worker stopped reporting when a pull stops heartbeating', async ({ expect }) => {
    const hung = deferred<{ digest: string }>();
    const run = stub.workers.scenario({ setBaseImageStatus: async () => true, pullImage: () => hung.promise });
    const job = jobFor(run, { pullPolicy: { ...QUICK, maximumAttempts: 1, heartbeatTimeoutMs: 1_000 } });
    try {
      const reason = 'the worker stopped reporting progress and the retries ran out';
      expect(await failureOf(await start(job))).toBe(`base image py: ${reason}`);
      expect(writes(run, job)).toEqual([{ status: 'CREATING' }, { status: 'ERROR', reason: [reason] }]);
    } finally {
      hung.resolve({ digest: DIGEST });
    }
  });

  it('stops before pulling when its generation is no longer current (superseded or deleted)', async ({ expect }) => {
    const run = stub.workers.scenario({ setBaseImageStatus: async () => false });
    const job = jobFor(run);
    await (await start(job)).result();
    expect(run.recorder.names()).toEqual(['setBaseImageStatus']);
  });

  it('writes nothing more when it is superseded during the pull', async ({ expect }) => {
    // The in-progress write applies; by the time the pull answers, a newer spec owns the row.
    let current = true;
    const run = stub.workers.scenario({
      setBaseImageStatus: async () => current,
      pullImage: async () => {
        current = false;
        return { digest: DIGEST };
      },
    });
    const job = jobFor(run);
    await (await start(job)).result();
    expect(writes(run, job)).toEqual([{ status: 'CREATING' }, { status: 'READY', digest: DIGEST }]);
    expect(run.recorder.names().at(-1)).toBe('setBaseImageStatus');
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
