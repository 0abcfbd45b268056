import { Runtime } from '@temporalio/worker';
import { loadConfig } from '../config.js';
import { applyMigrations, connectDb } from '../db/client.js';
import { createLogger } from '../logger.js';
import { runtimeLogger } from './runtime-logger.js';
import { createWorker, workerOptionsFrom } from './worker.js';
import { bundleInChildProcess } from './workflow-bundle.js';

const config = loadConfig();
const logger = createLogger('worker', config.LOG_LEVEL);
Runtime.install({
  logger: runtimeLogger(config.LOG_LEVEL.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', logger),
});
const { db, pool } = connectDb(config.DATABASE_URL);
await applyMigrations(pool);
// Never webpack in this process (see workflow-bundle.ts): without a pre-built bundle, a child process makes one.
const bundle = config.WORKFLOW_BUNDLE ? undefined : await bundleInChildProcess();
const worker = await createWorker({
  ...workerOptionsFrom(config, db, logger),
  ...(bundle && { workflowBundlePath: bundle.path }),
}).finally(() => bundle?.remove());
logger.info('worker started', { taskQueue: config.TASK_QUEUE });
process.send?.({ kind: 'ready' }); // for tests that fork a worker
try {
  await worker.run(); // SIGINT/SIGTERM shut it down gracefully
} finally {
  await worker.connection.close();
  await pool.end();
}
