import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native runtime is happier in forked processes than in worker threads (sdk-typescript#876).
    pool: 'forks',
    // Files share one Docker engine, registry, Postgres and Temporal server; each test owns its org and task queue.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    globalSetup: ['test/global-setup.ts'],
    // The failover tests kill the cluster's processes: `npm run test:cluster` runs them (vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**'],
  },
});
