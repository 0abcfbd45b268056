import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config.js';
import { applyMigrations, connectDb } from '../db/client.js';
import { createLogger } from '../logger.js';
import { createApp } from './app.js';
import { startApiMetricsListener } from './metrics.js';
import { startReconciler } from './reconciler.js';
import { DEFAULT_BUILD_POLICY } from '../workflows/jobs.js';

const config = loadConfig();
const logger = createLogger('api', config.LOG_LEVEL);
const database = connectDb(config.DATABASE_URL);
await applyMigrations(database.pool);
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const buildPolicy = { ...DEFAULT_BUILD_POLICY, buildTimeoutMs: config.BUILD_TIMEOUT_MINUTES * 60_000 };
const starter = {
  client: temporal,
  taskQueue: config.TASK_QUEUE,
  buildPolicy,
  rebuildConcurrency: config.REBUILD_CONCURRENCY,
  planTimeoutSeconds: config.REBUILD_PLAN_TIMEOUT_SECONDS,
  dryRunWaitSeconds: config.REBUILD_DRY_RUN_WAIT_SECONDS,
  rebuildWindow: { size: config.REBUILD_WINDOW_SIZE, maxRunEvents: config.REBUILD_RUN_MAX_EVENTS },
};

const app = createApp({ config, database, temporal, starter, logger });
const stopReconciler = startReconciler(database.db, starter, logger);
// Off the API port: request counts across every org are the operator's (config API_METRICS_*; 0 turns it off).
const metrics =
  config.API_METRICS_PORT === 0
    ? undefined
    : await startApiMetricsListener({ host: config.API_METRICS_HOST, port: config.API_METRICS_PORT, logger });
const server = serve({ fetch: app.fetch, hostname: config.API_HOST, port: config.API_PORT }, (info) =>
  logger.info('API listening', { address: `http://${info.address}:${info.port}` }),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopReconciler();
    void metrics?.close();
    server.close(() => void Promise.all([connection.close(), database.pool.end()]).then(() => process.exit(0)));
  });
}
