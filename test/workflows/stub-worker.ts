// Workflow-logic tests: the real workflow code (the bundle test/global-setup.ts builds from workflows/index.ts) on
// workers whose activities are plain stubs, so a test decides every activity's answer and sees every call.
import '../helpers/runtime.js';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Activities } from '../../activities/index.js';
import type { BaseImageState } from '../../db/image-builds.js';
import { batchQueueFor, verifyQueueFor } from '../../workflows/jobs.js';
import { TEMPORAL_CLI, workflowBundlePath } from '../helpers/env.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

/**
 * A Temporal dev server of the file's own: the CLI binary the stack already cached (scripts/stack.sh), in memory, on
 * 127.0.0.1 and a free port, gone at teardown (so no run a test leaves behind reaches the shared server). Not the
 * time-skipping test server: @temporalio/testing would download it at run time, and tests download nothing. So
 * the workflows' timers (the base image poll, the build slot poll) take their real time.
 */
export const stubEnvironment = () =>
  TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      ip: '127.0.0.1',
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
    },
  });

/** Every activity the workflows may call: a stub the test does not give fails the run, loudly. */
const ACTIVITY_NAMES = Object.keys({
  pullImage: true,
  verifyBaseImage: true,
  setBaseImageStatus: true,
  readBaseImage: true,
  beginImageBuild: true,
  completeImageBuild: true,
  acquireBuildSlot: true,
  releaseBuildSlot: true,
  settleImageError: true,
  buildAndPush: true,
  recordCatalog: true,
  openRebuild: true,
  selectRebuildImages: true,
  selectRebuildBaseImages: true,
  planRebuildItems: true,
  nextRebuildWindow: true,
  reverifyBaseImage: true,
  planImageRebuild: true,
  recordRebuildPlan: true,
  setRebuildItemOutcome: true,
  finishRebuild: true,
  removeLocalImage: true,
} satisfies Record<keyof Activities, true>) as Array<keyof Activities>;

export type Stubs = Partial<Activities>;
export type ActivityName = keyof Activities;
/** One activity call: its arguments, and the task queue whose worker ran it. */
export type Call = { name: ActivityName; args: unknown[]; taskQueue: string };

/** What a test watches: the calls so far, and a way to wait (without sleeping) until they or its own state say so. */
export class Recorder {
  readonly calls: Call[] = [];
  private readonly waiters = new Set<() => void>();

  record(call: Call) {
    this.calls.push(call);
    this.changed();
  }

  /** Wakes the waiters: call it after changing state a waiter looks at. */
  changed() {
    for (const wake of [...this.waiters]) wake();
  }

  /** The (first) argument of every call of `name`, in order. */
  named<N extends ActivityName>(name: N): Array<Parameters<Activities[N]>[0]> {
    return this.argsOf(name).map((args) => args[0]);
  }

  /** All the arguments of every call of `name`, in order. */
  argsOf<N extends ActivityName>(name: N): Array<Parameters<Activities[N]>> {
    return this.calls.filter((c) => c.name === name).map((c) => c.args as Parameters<Activities[N]>);
  }

  names(): ActivityName[] {
    return this.calls.map((c) => c.name);
  }

  /** Resolves once `ready()` holds (checked at every call and change), or fails after `timeoutMs`. */
  until(what: string, ready: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; calls so far: ${this.names().join(', ')}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}

/** The org a run belongs to: every workflow id the service (and these tests) uses is `<kind>/<org>/<name or id>`. */
const orgOfWorkflow = (workflowId: string) => workflowId.split('/')[1] ?? '';

/**
 * The activity object the workers register: each call goes to the stubs of the scenario whose org its workflow id
 * names, recorded first; one the scenario did not stub fails non-retryably, so the run ends instead of retrying.
 */
function dispatchingActivities(scenarios: Map<string, Scenario>): Activities {
  const entries = ACTIVITY_NAMES.map((name) => [
    name,
    async (...args: unknown[]) => {
      const { info } = Context.current();
      const workflowId = info.workflowExecution?.workflowId ?? '';
      const scenario = scenarios.get(orgOfWorkflow(workflowId));
      if (!scenario) throw ApplicationFailure.nonRetryable(`no scenario for the run ${workflowId}`, 'NoScenario');
      scenario.recorder.record({ name, args, taskQueue: info.taskQueue });
      const stub = scenario.stubs[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
      if (!stub) throw ApplicationFailure.nonRetryable(`the test gave no stub for activity ${name}`, 'NoStub');
      return stub(...args);
    },
  ]);
  return Object.fromEntries(entries) as Activities;
}

/** One test's world: an org of its own (its workflow ids name it), its stubs and what they were asked. */
export type Scenario = { org: string; stubs: Stubs; recorder: Recorder };

export type StubWorkers = Awaited<ReturnType<typeof startStubWorkers>>;

/**
 * Three workers on a task queue of the file's own, as the service's worker: the workflows and the records
 * activities on it, batch builds on `<q>-batch` (with more slots than any test uses, so a cap a test sees is the
 * workflow's own) and pulls and plans on `<q>-verify`. Tests share them; each scenario answers for its own org.
 */
export async function startStubWorkers(env: TestWorkflowEnvironment, name: string) {
  const taskQueue = `${name}-${randomUUID()}`;
  const scenarios = new Map<string, Scenario>();
  const common = {
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    activities: dispatchingActivities(scenarios),
    // A stub a test left blocked must not hold the shutdown.
    shutdownForceTime: '2s',
  };
  const workers = await Promise.all([
    Worker.create({ ...common, taskQueue, workflowBundle: { codePath: workflowBundlePath() } }),
    Worker.create({ ...common, taskQueue: batchQueueFor(taskQueue), maxConcurrentActivityTaskExecutions: 50 }),
    Worker.create({ ...common, taskQueue: verifyQueueFor(taskQueue), maxConcurrentActivityTaskExecutions: 50 }),
  ]);
  const stopped = deferred();
  const running = Promise.all(workers.map((worker) => worker.runUntil(stopped.promise)));
  return {
    taskQueue,
    /** A new scenario: its org, and the stubs that answer its runs' activities. */
    scenario(stubs: Stubs): Scenario {
      const scenario = { org: newOrg(), stubs, recorder: new Recorder() };
      scenarios.set(scenario.org, scenario);
      return scenario;
    },
    async stop() {
      stopped.resolve();
      await running;
    },
  };
}

/** A promise the test settles by hand: a stub activity that waits on it is a build or a pull in progress. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const baseState = (status: string, extra: Partial<BaseImageState> = {}): BaseImageState => ({
  status,
  reason: [],
  dockerUrl: '127.0.0.1:5000/dispatch-test/python:3.12',
  digest: status === 'READY' ? `sha256:${'a'.repeat(64)}` : null,
  ...extra,
});

/** A unique org per test: workflow ids (image/<org>/<name>) then never meet another test's. */
export const newOrg = () => `org-wf-${randomUUID().slice(0, 8)}`;

/**
 * A test file's local Temporal server and stub workers (on task queues named after `name`), started before its
 * tests and stopped after them.
 */
export function useStubWorkers(name: string) {
  const stub = {} as { env: TestWorkflowEnvironment; workers: StubWorkers };
  beforeAll(async () => {
    stub.env = await stubEnvironment();
    stub.workers = await startStubWorkers(stub.env, name);
  });
  afterAll(async () => {
    await stub.workers?.stop();
    await stub.env?.teardown();
  });
  return stub;
}
