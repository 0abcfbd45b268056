import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the failover tests, against the processes `npm run start:cluster` runs (no global setup:
// the cluster script has started everything they need). One file at a time: they kill shared processes.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 400_000,
    hookTimeout: 400_000,
  },
});
