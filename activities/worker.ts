import { NativeConnection, Worker } from '@temporalio/worker';
import Docker from 'dockerode';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/client.js';
import { batchQueueFor } from '../workflows/jobs.js';
import { createActivities } from './index.js';

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
};

export type ServiceWorker = { run(): Promise<void>; shutdown(): void; connection: NativeConnection };

/**
 * The service's worker: the workflows and every activity on the task queue, plus the builds of batch rebuilds on
 * a queue of their own with their own slots. A batch can fill only its slots, never the ones a developer's own
 * build needs, however many batches run.
 */
export async function createWorker(options: WorkerOptions): Promise<ServiceWorker> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const docker = new Docker({ socketPath: options.dockerSocket });
  const { db, registry, registryAuth, caBundlePath } = options;
  const activities = createActivities({ docker, db, registry, registryAuth, caBundlePath });
  const common = { connection, namespace: options.namespace, activities };
  const main = await Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath }),
    // A docker build or pull holds a host's CPU and disk; a handful at a time per worker keeps each one fast.
    maxConcurrentActivityTaskExecutions: 8,
  });
  const batch = await Worker.create({
    ...common,
    taskQueue: batchQueueFor(options.taskQueue),
    maxConcurrentActivityTaskExecutions: options.batchBuildSlots,
  });
  const workers = [main, batch];
  const stopAll = () => workers.filter((w) => w.getState() === 'RUNNING').forEach((w) => w.shutdown());
  return {
    connection,
    // When one stops (a signal, a fatal error), the other stops too, or run() would never return.
    run: async () => {
      await Promise.all(workers.map((w) => w.run().finally(stopAll)));
    },
    shutdown: stopAll,
  };
}
