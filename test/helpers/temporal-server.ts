import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { TEMPORAL_CLI } from './env.js';
import { freePort } from './registry-process.js';
import { eventually } from './wait.js';

/** A Temporal dev server of the test's own (the cached CLI binary, a SQLite file), so the test may kill it. */
export async function startOwnTemporal() {
  const port = await freePort();
  const dbFile = join(mkdtempSync(join(tmpdir(), 'temporal-')), 'dev.db');
  const attributes = ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    dbFile,
  ];
  let child: ChildProcess | undefined;
  const address = `127.0.0.1:${port}`;

  const server = {
    address,
    async start() {
      child = spawn(TEMPORAL_CLI, [...args, ...attributes, '--log-level', 'error'], { stdio: 'ignore' });
      await eventually(`Temporal dev server on ${address}`, async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return true;
        } finally {
          await connection.close();
        }
      });
    },
    /** SIGKILL: nothing is flushed or shut down cleanly, as in a real crash. */
    async kill() {
      if (!child || child.exitCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
  await server.start();
  return server;
}
