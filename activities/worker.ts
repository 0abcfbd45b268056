import { NativeConnection, Worker } from '@temporalio/worker';
import Docker from 'dockerode';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/client.js';
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
  /** A pre-built bundle (tests build one once); otherwise the worker bundles workflowsPath itself. */
  workflowBundlePath?: string;
};

/** A worker that runs both the workflows and the Docker/Postgres activities of the service. */
export async function createWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const docker = new Docker({ socketPath: options.dockerSocket });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath }),
    activities: createActivities({
      docker,
      db: options.db,
      registry: options.registry,
      registryAuth: options.registryAuth,
      caBundlePath: options.caBundlePath,
    }),
    // A docker build or pull holds a host's CPU and disk; a handful at a time per worker keeps each one fast.
    maxConcurrentActivityTaskExecutions: 8,
  });
  return { worker, connection };
}
