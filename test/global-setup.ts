import { bundleWorkflowCode } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowsPath } from '../worker/worker.js';
import { loadConfig } from '../config.js';
import { applyMigrations, connectDb } from '../db/client.js';
import { REGISTRY, ROOT } from './helpers/env.js';

// Once per run: a database of the tests' own, migrations, the workflow bundle every test worker shares, and the
// fixture base images (cached).
export default async function setup() {
  // The tests' builds run on a network of their own, so its firewall (rewritten by every test worker with that
  // test's allow list) never touches the network of a service running on the same machine.
  process.env.BUILD_NETWORK ??= 'dispatch-build-test';
  process.env.DATABASE_URL = await testDatabase(loadConfig().DATABASE_URL);
  const { pool } = connectDb(process.env.DATABASE_URL, 1);
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

/**
 * The tests write to `<database>_test`, created when missing, so that a service running on the same machine (whose
 * reconciler sweeps every org) never sees the tests' resources, and the tests never see its.
 */
async function testDatabase(serviceUrl: string): Promise<string> {
  const url = new URL(serviceUrl);
  const name = `${url.pathname.slice(1)}_test`;
  const { pool } = connectDb(serviceUrl, 1);
  try {
    const exists = await pool.query('select 1 from pg_database where datname = $1', [name]);
    if (!exists.rowCount) await pool.query(`create database "${name}"`);
  } finally {
    await pool.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
