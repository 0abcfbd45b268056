import { bundleWorkflowCode } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowsPath } from '../activities/worker.js';
import { loadConfig } from '../config.js';
import { applyMigrations, connectDb } from '../db/client.js';
import { REGISTRY, ROOT } from './helpers/env.js';

// Once per run: migrations, the workflow bundle every test worker shares, and the fixture base image (cached).
export default async function setup() {
  const { pool } = connectDb(loadConfig().DATABASE_URL, 1);
  await applyMigrations(pool);
  await pool.end();

  const dir = join(ROOT, '.stack', 'test');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  writeFileSync(bundlePath, code);
  process.env.DISPATCH_TEST_WORKFLOW_BUNDLE = bundlePath;

  const fixture = (language: string) =>
    execFileSync(join(ROOT, 'test/fixtures/base-image.sh'), [language, REGISTRY], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  process.env.DISPATCH_TEST_PYTHON_BASE = fixture('python3');
  process.env.DISPATCH_TEST_NODE_BASE = fixture('nodejs');
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
