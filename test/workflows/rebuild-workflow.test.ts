import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import type { BuildRequest } from '../../activities/build-image.js';
import type { WindowItem } from '../../db/rebuild-plans.js';
import type { imageWorkflow } from '../../workflows/image.js';
import { batchQueueFor, verifyQueueFor, workflowIdFor, type RebuildJob } from '../../workflows/jobs.js';
import type { rebuildWorkflow } from '../../workflows/rebuild.js';
import { baseState, deferred, useStubWorkers, type Scenario, type Stubs } from './stub-worker.js';

// rebuildWorkflow on stub activities, its image builds included (real imageWorkflow children): the batch cap, the
// groups of identical inputs built once, and what each item ends as when its image moved on, is being built
// already, or fails.

const DOCKER_URL = '127.0.0.1:5000/dispatch-test/python:3.12';
const POLICY = { buildTimeoutMs: 60_000, heartbeatTimeoutMs: 30_000, baseImageWaitMs: 60_000 };

const stub = useStubWorkers('wf-rebuild');

/** An image of the org: its name, the hash of its build inputs, whether the plan rebuilds it. */
type FakeImage = { name: string; inputs?: string; baseImageName?: string; rebuild?: boolean; deleted?: boolean };

const idOf = (name: string) => `id-${name}`;
const nameOf = (imageId: string) => imageId.replace(/^id-/, '');
const pushed = (request: BuildRequest) => ({
  dockerUrl: `127.0.0.1:5000/dispatch/${request.imageId}:${request.buildId}`,
  digest: `sha256:${request.imageId.padEnd(64, '0')}`,
});

/** An item of the fake plan store: what planRebuildItems wrote and setRebuildItemOutcome changed since. */
type StoredItem = WindowItem & { rebuild: boolean; reason: string; outcome: string };

/**
 * The service as the workflows see it: the org's images, a plan store (Postgres, in memory) that plans what the
 * test says, base images READY, records that accept everything, and `buildAndPush` as the test gives it.
 */
function rebuildStubs(images: FakeImage[], overrides: Stubs = {}): Stubs {
  const plan = new Map<string, StoredItem>();
  const selected = () => images.filter((i) => !i.deleted);
  return {
    openRebuild: async () => undefined,
    selectRebuildBaseImages: async () => [...new Set(selected().map((i) => i.baseImageName ?? 'py'))].sort(),
    reverifyBaseImage: async ({ name }) => ({
      name,
      dockerUrl: DOCKER_URL,
      digest: `sha256:${'a'.repeat(64)}`,
      template: 'default',
    }),
    planRebuildItems: async ({ dryRun }) => {
      for (const image of selected()) {
        const rebuild = image.rebuild ?? true;
        plan.set(image.name, {
          imageId: idOf(image.name),
          imageName: image.name,
          baseImageName: image.baseImageName ?? 'py',
          generation: 1,
          inputsSha256: image.inputs ?? `inputs-of-${image.name}`,
          inputsBuilt: false,
          rebuild,
          reason: rebuild ? 'the base image moved' : 'up to date',
          outcome: rebuild ? (dryRun ? 'PLANNED' : 'PENDING') : 'SKIPPED',
        });
      }
      const items = [...plan.values()];
      return { planned: items.length, toBuild: items.filter((i) => i.rebuild).length };
    },
    // As db/rebuild-plans.ts nextWindow: pending items, identical inputs together, and whether those were built.
    nextRebuildWindow: async ({ size }) => {
      const items = [...plan.values()];
      const built = new Set(items.filter((i) => i.outcome === 'SUCCEEDED').map((i) => i.inputsSha256));
      return items
        .filter((i) => i.outcome === 'PENDING')
        .sort((x, y) => x.inputsSha256.localeCompare(y.inputsSha256) || x.imageName.localeCompare(y.imageName))
        .slice(0, size)
        .map(({ imageId, imageName, baseImageName, generation, inputsSha256 }) => ({
          imageId,
          imageName,
          baseImageName,
          generation,
          inputsSha256,
          inputsBuilt: built.has(inputsSha256),
        }));
    },
    setRebuildItemOutcome: async ({ imageName, outcome }) => {
      plan.get(imageName)!.outcome = outcome;
    },
    finishRebuild: async () => undefined,
    beginImageBuild: async ({ target }) => ({ buildId: `build-${target.id}`, base: baseState('READY') }),
    acquireBuildSlot: async () => true,
    releaseBuildSlot: async () => undefined,
    buildAndPush: async (request) => pushed(request),
    recordCatalog: async () => ({ packages: 1 }),
    completeImageBuild: async () => undefined,
    ...overrides,
  };
}

const jobFor = (run: Scenario, overrides: Partial<RebuildJob> = {}): RebuildJob => ({
  org: run.org,
  selector: { all: true },
  dryRun: false,
  force: false,
  trigger: 'api',
  rebuildId: randomUUID(),
  concurrency: 2,
  policy: POLICY,
  ...overrides,
});

const start = (job: RebuildJob) =>
  stub.env.client.workflow.start<typeof rebuildWorkflow>('rebuildWorkflow', {
    taskQueue: stub.workers.taskQueue,
    workflowId: `rebuild/${job.org}/${job.rebuildId ?? randomUUID()}`,
    args: [job],
  });

/**
 * The image builds a rebuild has open, read once it is idle: no workflow task and no activity pending, so it can
 * start nothing more until one of them ends. (Server state, not an event this process sees: polled.)
 */
async function openChildrenOnceIdle(handle: WorkflowHandle<typeof rebuildWorkflow>): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { raw } = await handle.describe();
    if (!raw.pendingWorkflowTask && !raw.pendingActivities?.length) return raw.pendingChildren?.length ?? 0;
    if (Date.now() > deadline) throw new Error('the rebuild never became idle');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every item's outcomes, in the order the rebuild set them. */
function outcomesOf(run: Scenario): Record<string, Array<{ outcome: string; reason?: string; buildId?: string }>> {
  const all: Record<string, Array<{ outcome: string; reason?: string; buildId?: string }>> = {};
  for (const { imageName, outcome, reason, buildId } of run.recorder.named('setRebuildItemOutcome')) {
    const change = { outcome, ...(reason !== undefined && { reason }), ...(buildId !== undefined && { buildId }) };
    (all[imageName] ??= []).push(change);
  }
  return all;
}

/** Where in the call log an item got `outcome`. */
const outcomeIndex = (run: Scenario, imageName: string, outcome: string) =>
  run.recorder.calls.findIndex((c) => {
    const change = c.args[0] as { imageName?: string; outcome?: string };
    return c.name === 'setRebuildItemOutcome' && change.imageName === imageName && change.outcome === outcome;
  });

const succeeded = (name: string) => [{ outcome: 'RUNNING' }, { outcome: 'SUCCEEDED', buildId: `build-${idOf(name)}` }];

describe.concurrent('rebuildWorkflow', () => {
  it('never runs more builds at once than its concurrency, and every item ends with an outcome', async ({ expect }) => {
    const concurrency = 2;
    const images = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));
    let running = 0;
    let peak = 0;
    let finished = 0;
    const inFlight: Array<() => void> = [];
    let holding = true;
    const run: Scenario = stub.workers.scenario(
      rebuildStubs(images, {
        // A build runs until the test lets it finish.
        buildAndPush: async (request) => {
          running++;
          peak = Math.max(peak, running);
          const done = deferred();
          inFlight.push(done.resolve);
          run.recorder.changed();
          if (holding) await done.promise;
          running--;
          finished++;
          run.recorder.changed();
          return pushed(request);
        },
      }),
    );
    const job = jobFor(run, { concurrency });
    const handle = await start(job);
    // Round by round: once the batch has as many builds running as it may, and nothing left to do but wait, count
    // its open image builds; then let the running ones finish.
    try {
      for (let done = 0; done < images.length;) {
        const expected = Math.min(concurrency, images.length - done);
        await run.recorder.until(`${expected} builds running`, () => running >= expected);
        expect(await openChildrenOnceIdle(handle)).toBe(expected);
        expect(running).toBe(expected);
        done += inFlight.splice(0).map((finish) => finish()).length;
        await run.recorder.until(`${done} builds finished`, () => finished === done);
      }
    } finally {
      holding = false;
      for (const finish of inFlight.splice(0)) finish();
    }
    const outcome = await handle.result();

    expect(peak).toBe(concurrency);
    expect(outcome).toEqual({ rebuildId: job.rebuildId });
    expect(outcomesOf(run)).toEqual(Object.fromEntries(images.map(({ name }) => [name, succeeded(name)])));
    expect(run.recorder.named('finishRebuild')).toEqual([{ rebuildId: job.rebuildId }]);
    expect(run.recorder.names().at(-1)).toBe('finishRebuild');
    // Not forced: every build may reuse an identical earlier one; all of them run in the batch slots.
    const builds = run.recorder.calls.filter((c) => c.name === 'buildAndPush');
    expect(builds.map((c) => (c.args[0] as BuildRequest).allowReuse)).toEqual([true, true, true, true, true]);
    expect(new Set(builds.map((c) => c.taskQueue))).toEqual(new Set([batchQueueFor(stub.workers.taskQueue)]));
  });

  it('builds images with identical inputs once: the others wait for it, then reuse its result', async ({ expect }) => {
    const images = [
      { name: 'a1', inputs: 'same' },
      { name: 'a2', inputs: 'same' },
      { name: 'a3', inputs: 'same' },
      { name: 'b1', inputs: 'other' },
    ];
    const inputsOf = new Map(images.map((i) => [idOf(i.name), i.inputs]));
    // Reuse as the build activity does it: identical inputs built before (and reuse allowed) are not built again.
    const finishedBuilds = new Map<string, { dockerUrl: string; digest: string }>();
    const built: string[] = [];
    const reused: string[] = [];
    const run: Scenario = stub.workers.scenario(
      rebuildStubs(images, {
        buildAndPush: async (request) => {
          const inputs = inputsOf.get(request.imageId)!;
          const earlier = request.allowReuse ? finishedBuilds.get(inputs) : undefined;
          if (earlier) {
            reused.push(nameOf(request.imageId));
            return { ...pushed(request), digest: earlier.digest };
          }
          built.push(nameOf(request.imageId));
          run.recorder.changed();
          // Held until both distinct inputs are building: images of one group built side by side would show here.
          await run.recorder.until('a build of each distinct input', () => built.length >= 2);
          const result = pushed(request);
          finishedBuilds.set(inputs, result);
          return result;
        },
      }),
    );
    // Room for every image at once, and forced: only the grouping keeps identical inputs from being built twice.
    const job = jobFor(run, { concurrency: 4, force: true });
    await (await start(job)).result();

    expect(built.sort()).toEqual(['a1', 'b1']);
    expect(reused.sort()).toEqual(['a2', 'a3']); // side by side: in either order
    // Forced: the first of each group builds afresh; the rest of the group may take its result.
    const allowReuse = Object.fromEntries(
      run.recorder.named('buildAndPush').map((r) => [nameOf(r.imageId), r.allowReuse]),
    );
    expect(allowReuse).toEqual({ a1: false, a2: true, a3: true, b1: false });
    // The others of the group start once the first is built (side by side then: each reuses it).
    expect(outcomeIndex(run, 'a1', 'SUCCEEDED')).toBeLessThan(outcomeIndex(run, 'a2', 'RUNNING'));
    expect(outcomeIndex(run, 'a1', 'SUCCEEDED')).toBeLessThan(outcomeIndex(run, 'a3', 'RUNNING'));
    const digests = Object.fromEntries(
      run.recorder.named('completeImageBuild').map((c) => [nameOf(c.target.id), 'digest' in c.end && c.end.digest]),
    );
    expect(digests.a2).toBe(digests.a1);
    expect(digests.a3).toBe(digests.a1);
    expect(outcomesOf(run)).toEqual(Object.fromEntries(images.map(({ name }) => [name, succeeded(name)])));
  });

  it('marks an image whose spec changed since the plan SKIPPED: its own build takes over', async ({ expect }) => {
    const images = [{ name: 'kept' }, { name: 'changed' }];
    const run = stub.workers.scenario(
      rebuildStubs(images, {
        // The generation the plan saw is no longer current: the image build stops before it begins.
        beginImageBuild: async ({ target }) =>
          target.id === idOf('changed') ? null : { buildId: `build-${target.id}`, base: baseState('READY') },
      }),
    );
    const job = jobFor(run);
    await (await start(job)).result();
    expect(outcomesOf(run)).toEqual({
      kept: succeeded('kept'),
      changed: [
        { outcome: 'RUNNING' },
        { outcome: 'SKIPPED', reason: 'the image changed since the plan; its own build takes over' },
      ],
    });
    expect(run.recorder.named('buildAndPush').map((r) => nameOf(r.imageId))).toEqual(['kept']);
    expect(run.recorder.named('finishRebuild')).toHaveLength(1);
  });

  it('marks an image SKIPPED when a newer spec terminates its build, and goes on with the others', async ({
    expect,
  }) => {
    const images = [{ name: 'first' }, { name: 'second' }];
    const firstBuild = deferred<void>();
    const run: Scenario = stub.workers.scenario(
      rebuildStubs(images, {
        buildAndPush: async (request) => {
          if (request.imageId === idOf('first')) await firstBuild.promise;
          return pushed(request);
        },
      }),
    );
    const job = jobFor(run, { concurrency: 1 });
    const handle = await start(job);
    try {
      await run.recorder.until('the first build', () => run.recorder.named('buildAndPush').length === 1);
      // What the API does when a new spec of the image arrives: the running build's workflow is replaced.
      await stub.env.client.workflow.getHandle(workflowIdFor('Image', job.org, 'first')).terminate('a newer spec');
      await handle.result();
    } finally {
      firstBuild.resolve();
    }
    expect(outcomesOf(run)).toEqual({
      first: [{ outcome: 'RUNNING' }, { outcome: 'SKIPPED', reason: 'superseded by a newer spec of the image' }],
      second: succeeded('second'),
    });
  });

  it('marks an image SKIPPED when a build of it is already running, and does not build it twice', async ({
    expect,
  }) => {
    const images = [{ name: 'busy' }, { name: 'idle' }];
    const developersBuild = deferred<void>();
    const run: Scenario = stub.workers.scenario(
      rebuildStubs(images, {
        buildAndPush: async (request) => {
          if (!request.allowReuse) throw new Error('unexpected forced build');
          if (request.imageId === idOf('busy')) await developersBuild.promise;
          return pushed(request);
        },
      }),
    );
    // A developer's build of "busy" is in progress under the image's workflow id.
    const developer = await stub.env.client.workflow.start<typeof imageWorkflow>('imageWorkflow', {
      taskQueue: stub.workers.taskQueue,
      workflowId: workflowIdFor('Image', run.org, 'busy'),
      args: [{ id: idOf('busy'), org: run.org, name: 'busy', generation: 1, baseImageName: 'py', trigger: 'update' }],
    });
    try {
      await run.recorder.until("the developer's build", () => run.recorder.named('buildAndPush').length === 1);
      const job = jobFor(run);
      await (await start(job)).result();
      expect(outcomesOf(run)).toEqual({
        busy: [{ outcome: 'RUNNING' }, { outcome: 'SKIPPED', reason: 'a build of this image was already running' }],
        idle: succeeded('idle'),
      });
    } finally {
      developersBuild.resolve();
    }
    await developer.result();
    expect(run.recorder.named('buildAndPush').map((r) => nameOf(r.imageId))).toEqual(['busy', 'idle']);
  });

  it("marks a failed build FAILED with the build's reason, and the batch still finishes", async ({ expect }) => {
    const images = [{ name: 'broken' }, { name: 'fine' }];
    const reason = 'pip install: no matching distribution found for flask==99';
    const run = stub.workers.scenario(
      rebuildStubs(images, {
        buildAndPush: async (request) => {
          if (request.imageId === idOf('broken')) throw ApplicationFailure.nonRetryable(reason, 'BuildFailed');
          return pushed(request);
        },
      }),
    );
    const job = jobFor(run);
    await (await start(job)).result();
    expect(outcomesOf(run)).toEqual({
      broken: [{ outcome: 'RUNNING' }, { outcome: 'FAILED', reason: `image broken: ${reason}` }],
      fine: succeeded('fine'),
    });
    expect(run.recorder.named('finishRebuild')).toHaveLength(1);
  });

  it('a dry run re-verifies each base image once, on the verify queue, records the plan and builds nothing', async ({
    expect,
  }) => {
    const images = [
      { name: 'p1', baseImageName: 'py' },
      { name: 'p2', baseImageName: 'py', rebuild: false },
      { name: 'n1', baseImageName: 'node' },
      { name: 'gone', baseImageName: 'node', deleted: true },
    ];
    const run = stub.workers.scenario(rebuildStubs(images));
    // A scheduled run: the workflow makes its own rebuild id.
    const job = jobFor(run, { dryRun: true, rebuildId: undefined });
    const outcome = await (await start(job)).result();
    const { rebuildId } = outcome;

    expect(run.recorder.named('openRebuild')).toEqual([expect.objectContaining({ id: rebuildId, dryRun: true })]);
    const reverified = run.recorder.calls.filter((c) => c.name === 'reverifyBaseImage');
    expect(reverified.map((c) => c.args[0]).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual(
      [
        { org: run.org, name: 'node', dryRun: true },
        { org: run.org, name: 'py', dryRun: true },
      ],
    );
    const planned = run.recorder.calls.filter((c) => c.name === 'planRebuildItems');
    for (const call of [...reverified, ...planned]) expect(call.taskQueue).toBe(verifyQueueFor(stub.workers.taskQueue));
    // The whole selection is planned in one activity, against every base image's verification; only counts come back.
    expect(run.recorder.named('planRebuildItems')).toEqual([
      {
        rebuildId,
        org: run.org,
        selector: { all: true },
        force: false,
        dryRun: true,
        bases: ['node', 'py'].map((name) => expect.objectContaining({ name, template: 'default' })),
      },
    ]);
    expect(outcome).toEqual({ rebuildId, planned: 3, toBuild: 2 });
    for (const name of [
      'nextRebuildWindow',
      'setRebuildItemOutcome',
      'beginImageBuild',
      'buildAndPush',
      'finishRebuild',
    ] as const) {
      expect(run.recorder.named(name), name).toEqual([]);
    }
  });

  it('builds only what the plan rebuilds', async ({ expect }) => {
    const images = [{ name: 'moved' }, { name: 'same', rebuild: false }];
    const run = stub.workers.scenario(rebuildStubs(images));
    await (await start(jobFor(run))).result();
    expect(run.recorder.named('buildAndPush').map((r) => nameOf(r.imageId))).toEqual(['moved']);
    // The unchanged item keeps the outcome the recorded plan gave it.
    expect(outcomesOf(run)).toEqual({ moved: succeeded('moved') });
  });

  it('builds a plan larger than its window in windows, continuing as new, with the cap and the groups kept', async ({
    expect,
  }) => {
    const images: FakeImage[] = [
      ...['g1', 'g2', 'g3', 'g4', 'g5'].map((name) => ({ name, inputs: 'same' })),
      ...['u1', 'u2', 'u3', 'u4'].map((name) => ({ name })),
    ];
    const inputsOf = new Map(images.map((i) => [idOf(i.name), i.inputs ?? i.name]));
    const finishedBuilds = new Set<string>();
    const built: string[] = [];
    let running = 0;
    let peak = 0;
    const run: Scenario = stub.workers.scenario(
      rebuildStubs(images, {
        buildAndPush: async (request) => {
          running++;
          peak = Math.max(peak, running);
          try {
            const inputs = inputsOf.get(request.imageId)!;
            if (!(request.allowReuse && finishedBuilds.has(inputs))) built.push(nameOf(request.imageId));
            // Slow enough for builds to overlap when the workflow lets them.
            await new Promise((resolve) => setTimeout(resolve, 50));
            finishedBuilds.add(inputs);
            return pushed(request);
          } finally {
            running--;
          }
        },
      }),
    );
    // Windows of 2, and a run that holds more than 60 events continues as new after its window.
    const job = jobFor(run, { concurrency: 2, window: { size: 2, maxRunEvents: 60 } });
    const handle = await start(job);
    expect(await handle.result()).toEqual({ rebuildId: job.rebuildId });

    // The "same" group spans windows: built once, by its first image, and reused by the four others.
    expect(built.sort()).toEqual(['g1', 'u1', 'u2', 'u3', 'u4']);
    expect(peak).toBe(2);
    expect(outcomesOf(run)).toEqual(Object.fromEntries(images.map(({ name }) => [name, succeeded(name)])));
    expect(run.recorder.named('planRebuildItems')).toHaveLength(1);
    expect(run.recorder.named('finishRebuild')).toHaveLength(1);

    // The chain of runs: each ended by continuing as new, with a history bounded by the threshold plus one window.
    const lengths: number[] = [];
    for (let runId: string | undefined = handle.firstExecutionRunId; runId;) {
      const history = await stub.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      const events: Array<{
        workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string | null } | null;
      }> = history.events ?? [];
      lengths.push(events.length);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(lengths.length).toBeGreaterThan(2);
    for (const length of lengths) expect(length).toBeLessThan(60 + 60);
  });
});
