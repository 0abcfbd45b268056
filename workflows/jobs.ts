// Workflow inputs and ids, shared by the API (which starts workflows) and the workflows themselves.
// Inputs carry ids and the spec generation, never logs or large text (history stays small).
import type { PlannedItem } from '../db/rebuilds.js';
import type { RebuildSelector } from '../db/schema.js';

export type ResourceKind = 'BaseImage' | 'Image';

export type BaseImageJob = {
  id: string;
  org: string;
  name: string;
  generation: number;
  dockerUrl: string;
  /** How the pull is retried and how fast a dead worker is noticed; the defaults suit production, tests shorten them. */
  pullPolicy?: PullPolicy;
};

export type PullPolicy = {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
  heartbeatTimeoutMs: number;
};

// About two and a half minutes of retries (1+2+4+8+16+30*4 s) before an unreachable registry becomes ERROR.
export const DEFAULT_PULL_POLICY: PullPolicy = {
  initialIntervalMs: 1_000,
  maximumIntervalMs: 30_000,
  maximumAttempts: 10,
  heartbeatTimeoutMs: 30_000,
};

/** The task queue of batch rebuilds' Docker work: a worker serves it with slots of its own. */
export const batchQueueFor = (taskQueue: string) => `${taskQueue}-batch`;

/**
 * The task queue of base-image pulls and rebuild planning: slots of their own, so a flood of pulls or a big plan
 * never takes the slots developers' builds run in (and a build flood never delays a pull).
 */
export const verifyQueueFor = (taskQueue: string) => `${taskQueue}-verify`;

/** One workflow per resource at a time: the id names it, so a newer spec supersedes the running one. */
export function workflowIdFor(kind: ResourceKind, org: string, name: string): string {
  return `${kind === 'BaseImage' ? 'baseimage' : 'image'}/${org}/${name}`;
}

/** Why a build runs; recorded on its build row. */
export type BuildTrigger = 'create' | 'update' | 'reconcile' | 'rebuild';

export type ImageJob = {
  id: string;
  org: string;
  name: string;
  generation: number;
  baseImageName: string;
  trigger: BuildTrigger;
  policy?: BuildPolicy;
  /** Build even when identical inputs were built before (a forced rebuild picks up new unpinned versions). */
  force?: boolean;
  /** The batch rebuild this build belongs to; its Docker work then runs on the batch queue. */
  rebuildId?: string;
};

export type BuildPolicy = {
  /** A build (with its push) that takes longer fails with a reason saying so. */
  buildTimeoutMs: number;
  /** How fast a dead worker is noticed during a build. */
  heartbeatTimeoutMs: number;
  /** How long a build waits for its base image to become READY. */
  baseImageWaitMs: number;
};

export const DEFAULT_BUILD_POLICY: BuildPolicy = {
  buildTimeoutMs: 30 * 60_000,
  heartbeatTimeoutMs: 30_000,
  baseImageWaitMs: 15 * 60_000,
};

export type { RebuildSelector };

export type RebuildJob = {
  org: string;
  selector: RebuildSelector;
  dryRun: boolean;
  force: boolean;
  /** "api", or the name of the schedule that started it. */
  trigger: string;
  /** Set by the API (which answers it); a scheduled run makes its own. */
  rebuildId?: string;
  /** At most this many builds of the batch at a time, so a batch never takes every build slot. */
  concurrency: number;
  policy?: BuildPolicy;
  /** How builds are taken from the plan; the defaults suit production, tests make them small. */
  window?: Partial<RebuildWindow>;
  /** Set by the rebuild's own continue-as-new: the plan is made, its builds go on. */
  resume?: boolean;
};

export type RebuildWindow = {
  /** Plan items read (and built) at a time. */
  size: number;
  /** After a window, a run whose history holds more events continues as new (Temporal's limit is 51,200). */
  maxRunEvents: number;
};

// About 25 history events per rebuilt image: a window of 200 is ~5,000, and a run ends before ~15,000.
export const DEFAULT_REBUILD_WINDOW: RebuildWindow = { size: 200, maxRunEvents: 10_000 };

/** One image of a rebuild plan: whether it would be rebuilt, and why. */
export type PlanEntry = PlannedItem;
/** What a rebuild run answers: counts of its plan (the plan itself is in Postgres; runs before carried it). */
export type RebuildOutcome = { rebuildId: string; planned?: number; toBuild?: number; plan?: PlanEntry[] };
