import { Runtime } from '@temporalio/worker';
import { loadConfig } from '../config.js';
import { applyMigrations, connectDb } from '../db/client.js';
import { createLogger } from '../logger.js';
import { sdkMetricsUrl, sdkPrometheusExporter, startWorkerMetricsServer } from './metrics-server.js';
import { runtimeLogger } from './runtime-logger.js';
import { createWorker, workerOptionsFrom } from './worker.js';
import { bundleInChildProcess } from './workflow-bundle.js';

const config = loadConfig();
const logger = createLogger('worker', config.LOG_LEVEL);
// No metrics port, no SDK exporter: its text is only ever read by this worker's /metrics.
const sdkMetricsPort = config.WORKER_METRICS_PORT === 0 ? 0 : config.WORKER_SDK_METRICS_PORT;
Runtime.install({
  logger: runtimeLogger(config.LOG_LEVEL.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', logger),
  telemetryOptions: {
    // The native core's own logs too go through the runtime logger, so every line is the process's JSON.
    logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
    ...(sdkMetricsPort ? { metrics: sdkPrometheusExporter(sdkMetricsPort) } : {}),
  },
});
// Up before the worker polls, so that a scrape during a slow start answers (the process's metrics at least).
const metrics =
  config.WORKER_METRICS_PORT === 0
    ? undefined
    : await startWorkerMetricsServer({
        host: config.WORKER_METRICS_HOST,
        port: config.WORKER_METRICS_PORT,
        ...(sdkMetricsPort ? { sdkMetricsUrl: sdkMetricsUrl(sdkMetricsPort) } : {}),
        logger,
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
  await metrics?.close();
}
