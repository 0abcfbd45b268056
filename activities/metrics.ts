// The worker's own Prometheus metrics: one registry per process, whatever the number of workers in it (the tests
// run several in one process). Activities record here; worker/metrics-server.ts serves it when worker/main.ts says
// so. Workflow code never touches it (it must stay deterministic): builds and pulls are counted where they end, in
// activities. Labels carry outcomes and task queue names only, never an org, an image or a base image name.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ClosedBuild } from '../db/builds.js';

export const workerRegistry = new Registry();
collectDefaultMetrics({ register: workerRegistry });

export const buildsTotal = new Counter({
  name: 'dispatch_worker_builds_total',
  help: 'Image builds that ended, by final outcome (succeeded, failed, superseded).',
  labelNames: ['outcome'],
  registers: [workerRegistry],
});

export const buildDuration = new Histogram({
  name: 'dispatch_worker_build_duration_seconds',
  help: "Image builds from their start (the build row: waits for the base image and an org's slot included) to their end, by outcome.",
  labelNames: ['outcome'],
  buckets: [5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600],
  registers: [workerRegistry],
});

export const PULL_KINDS = ['verify', 'reverify'] as const;
export type PullKind = (typeof PULL_KINDS)[number];

export const pullsTotal = new Counter({
  name: 'dispatch_worker_base_image_pulls_total',
  help: 'Base image pulls (verify: a base image created or updated; reverify: before a rebuild), by outcome: succeeded, failed (final), error (retried), cancelled.',
  labelNames: ['kind', 'outcome'],
  registers: [workerRegistry],
});

export const pullDuration = new Histogram({
  name: 'dispatch_worker_base_image_pull_duration_seconds',
  help: 'Base image pulls, digest resolution included, by kind and outcome.',
  labelNames: ['kind', 'outcome'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [workerRegistry],
});

/** A Temporal worker's activity slots: the in-process workers add theirs while they run (worker/worker.ts). */
export type SlotSource = { taskQueue: string; kind: string; max: number; used(): number };
const slotSources = new Set<SlotSource>();

/** Counts `source` in the slot gauges until the answered function is called. */
export function trackSlots(source: SlotSource): () => void {
  slotSources.add(source);
  return () => void slotSources.delete(source);
}

const slotLabels = ['task_queue', 'kind'] as const;
new Gauge({
  name: 'dispatch_worker_activity_slots_used',
  help: 'Activity slots in use, per task queue this worker polls (kind: main, batch, verify).',
  labelNames: slotLabels,
  registers: [workerRegistry],
  collect() {
    this.reset();
    for (const s of slotSources) this.set({ task_queue: s.taskQueue, kind: s.kind }, s.used());
  },
});
new Gauge({
  name: 'dispatch_worker_activity_slots_max',
  help: 'Activity slots, per task queue this worker polls (maxConcurrentActivityTaskExecutions).',
  labelNames: slotLabels,
  registers: [workerRegistry],
  collect() {
    this.reset();
    for (const s of slotSources) this.set({ task_queue: s.taskQueue, kind: s.kind }, s.max);
  },
});

/** Set on each scrape by the metrics server: whether the Temporal SDK's exporter answered. */
export const sdkMetricsUp = new Gauge({
  name: 'dispatch_worker_sdk_metrics_up',
  help: "1 when the Temporal SDK's own metrics (temporal_*) could be read for this scrape, else 0.",
  registers: [workerRegistry],
});

/** Counts a build that this call closed (none when it was closed already: a retried activity counts it once). */
export function recordClosedBuilds(closed: readonly ClosedBuild[]): void {
  for (const { outcome, seconds } of closed) {
    const label = outcome.toLowerCase();
    buildsTotal.inc({ outcome: label });
    buildDuration.observe({ outcome: label }, Math.max(0, seconds));
  }
}

function pullOutcome(err: unknown): string {
  let cancelled = false;
  try {
    cancelled = Context.current().cancellationSignal.aborted;
  } catch {
    // outside an activity: no cancellation to tell
  }
  if (cancelled) return 'cancelled';
  return err instanceof ApplicationFailure && err.nonRetryable ? 'failed' : 'error';
}

/** Times one base image pull and counts its outcome. */
export async function observePull<T>(kind: PullKind, pull: () => Promise<T>): Promise<T> {
  const end = pullDuration.startTimer({ kind });
  try {
    const result = await pull();
    pullsTotal.inc({ kind, outcome: 'succeeded' });
    end({ outcome: 'succeeded' });
    return result;
  } catch (err) {
    const outcome = pullOutcome(err);
    pullsTotal.inc({ kind, outcome });
    end({ outcome });
    throw err;
  }
}
