import { NativeConnection, Worker } from '@temporalio/worker';
import Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { batchQueueFor, verifyQueueFor } from '../workflows/jobs.js';

import { prepareBuildSandbox, type BuildSandbox } from './build-sandbox.js';
import { createActivities } from '../activities/index.js';
import { trackSlots } from '../activities/metrics.js';

/** Pulls of base images and rebuild planning, per worker, on a queue of their own (verifyQueueFor). */
const VERIFY_SLOTS = 4;
/** A docker build or pull holds a host's CPU and disk; a handful at a time per worker keeps each one fast. */
const MAIN_SLOTS = 8;

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export type WorkerOptions = {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  db: Db;
  dockerSocket: string;
  /** Where built images are pushed. */
  registry: string;
  registryAuth: { username: string; password: string };
  /** Certificates builds trust for their downloads (config BUILD_CA_BUNDLE). */
  caBundlePath: string;
  /** How many builds of batch rebuilds this worker runs at once (config REBUILD_CONCURRENCY). */
  batchBuildSlots: number;
  /** A pre-built bundle (tests build one once); otherwise the worker bundles workflowsPath itself. */
  workflowBundlePath?: string;
  /** Where builds run and what they may use and reach. */
  sandbox: BuildSandbox;
  /** The most builds one org runs at once, fleet-wide (config ORG_BUILD_CONCURRENCY). */
  orgBuildConcurrency: number;
  /** The languages the service installs dependencies for (config LANGUAGES); others need the base's own template. */
  languages: readonly string[];
  logger: Logger;
};

/** The worker's options from the configuration: the one place worker-main.ts and the tests' workers start from. */
export function workerOptionsFrom(config: Config, db: Db, logger: Logger): WorkerOptions {
  return {
    temporalAddress: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TASK_QUEUE,
    db,
    dockerSocket: config.DOCKER_SOCKET,
    registry: config.IMAGE_REGISTRY,
    registryAuth: { username: config.REGISTRY_USERNAME, password: config.REGISTRY_PASSWORD },
    caBundlePath: existsSync(config.BUILD_CA_BUNDLE) ? config.BUILD_CA_BUNDLE : '',
    batchBuildSlots: config.REBUILD_CONCURRENCY,
    workflowBundlePath: config.WORKFLOW_BUNDLE,
    logger,
    orgBuildConcurrency: config.ORG_BUILD_CONCURRENCY,
    languages: config.languages,
    sandbox: {
      network: config.BUILD_NETWORK,
      allowedHosts: config.BUILD_ALLOWED_HOSTS,
      blockedRanges: config.BUILD_BLOCKED_RANGES,
      limits: {
        memoryBytes: config.BUILD_MEMORY_MB * 1024 * 1024,
        cpus: config.BUILD_CPUS,
        pids: config.BUILD_PIDS,
        logMaxBytes: config.BUILD_LOG_MAX_BYTES,
        catalogMaxEntries: config.CATALOG_MAX_ENTRIES,
      },
    },
  };
}

export type ServiceWorker = { run(): Promise<void>; shutdown(): void; connection: NativeConnection };

/**
 * The service's worker: the workflows and every activity on the task queue, plus the builds of batch rebuilds and
 * the pulls and plans (verify) on queues of their own with their own slots: a batch or a flood of pulls can fill only
 * its slots, never the ones a developer's own build needs. Before polling, it sets up the build network and its
 * firewall and checks that the pids limit can be enforced; it does not start without them.
 */
export async function createWorker(options: WorkerOptions): Promise<ServiceWorker> {
  const docker = new Docker({ socketPath: options.dockerSocket });
  const { db, registry, registryAuth, caBundlePath, logger } = options;
  // Builds start only once their network, its firewall and their limits are in place: else the worker stops here.
  const build = await prepareBuildSandbox(docker, options.sandbox, logger);
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const orgBuildConcurrency = options.orgBuildConcurrency;
  const { languages } = options;
  const activities = createActivities({
    docker,
    db,
    registry,
    registryAuth,
    caBundlePath,
    build,
    orgBuildConcurrency,
    languages,
  });
  const common = { connection, namespace: options.namespace, activities };
  const main = await Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath }),
    maxConcurrentActivityTaskExecutions: MAIN_SLOTS,
  });
  const batch = await Worker.create({
    ...common,
    taskQueue: batchQueueFor(options.taskQueue),
    maxConcurrentActivityTaskExecutions: options.batchBuildSlots,
  });
  const verify = await Worker.create({
    ...common,
    taskQueue: verifyQueueFor(options.taskQueue),
    maxConcurrentActivityTaskExecutions: VERIFY_SLOTS,
  });
  const workers = [main, batch, verify];
  const stopAll = () => workers.filter((w) => w.getState() === 'RUNNING').forEach((w) => w.shutdown());
  // The slot gauges of activities/metrics.ts, per queue, while this worker runs.
  const slots = (worker: Worker, kind: string, max: number) => ({
    taskQueue: worker.options.taskQueue,
    kind,
    max,
    used: () => worker.getStatus().numInFlightNonLocalActivities,
  });
  return {
    connection,
    // When one stops (a signal, a fatal error), the other stops too, or run() would never return.
    run: async () => {
      const untrack = [
        slots(main, 'main', MAIN_SLOTS),
        slots(batch, 'batch', options.batchBuildSlots),
        slots(verify, 'verify', VERIFY_SLOTS),
      ].map(trackSlots);
      try {
        await Promise.all(workers.map((w) => w.run().finally(stopAll)));
      } finally {
        untrack.forEach((stop) => stop());
      }
    },
    shutdown: stopAll,
  };
}
