import { serve, type ServerType } from '@hono/node-server';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleHandle } from '../../client/rebuilds.js';
import { apiTokens, baseImages, images, organizations, rebuilds, rebuildSchedules } from '../../db/schema.js';
import { ROOT } from '../helpers/env.js';
import { EXPECTED_OPERATIONS } from '../helpers/openapi.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { testLogFile } from '../helpers/test-logs.js';

// Schemathesis generates requests from /openapi.json (valid ones, and ones the schema says are invalid) and checks
// every answer against the document: no 5xx, the declared statuses, bodies and headers, 405 with Allow for the
// methods a path does not declare, valid data accepted and invalid data refused.
//
// The run has an org of its own and no worker, so none of the fuzzed dockerUrls is ever pulled: the base images
// it creates stay INITIALIZED, and dry runs end at a 2 s plan timeout (a 503 the document declares). Everything it
// made is removed afterwards: rows, schedules and workflows.
//
// It runs with the org's admin token, so the organization operations (the platform admin's alone) answer 403 to
// every request, as documented: fuzzing them with the platform token could delete the run's own org, and its
// token with it. Their successes are tested in organizations.test.ts and roles.test.ts.

const run = promisify(execFile);

describe('the API against its own OpenAPI document (Schemathesis)', () => {
  let service: TestService;
  let server: ServerType;
  let base: string;

  beforeAll(async () => {
    service = await startTestService({ worker: false, planTimeoutSeconds: 2 });
    server = serve({ fetch: service.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    const { db } = service.database;
    const org = service.org;
    for (const row of await db.select().from(rebuildSchedules).where(eq(rebuildSchedules.org, org))) {
      await scheduleHandle({ client: service.temporal, taskQueue: service.taskQueue }, org, row.name)
        .delete()
        .catch(() => undefined);
    }
    await db.delete(rebuildSchedules).where(eq(rebuildSchedules.org, org));
    await db.delete(rebuilds).where(eq(rebuilds.org, org));
    await db.delete(images).where(eq(images.org, org));
    await db.delete(baseImages).where(eq(baseImages.org, org));
    await db.delete(apiTokens).where(inArray(apiTokens.org, [org]));
    await db.delete(organizations).where(eq(organizations.name, org));
    await new Promise((resolve) => server.close(resolve));
    await service.close(); // terminates the org's workflows left running
  });

  it('finds no server error and no conformance failure', async () => {
    const log = testLogFile('schemathesis');
    const report = join(ROOT, '.stack', 'test', 'schemathesis-junit.xml');
    const { stdout, stderr } = await run(
      join(ROOT, 'scripts', 'schemathesis.sh'),
      [
        '--config-file',
        join(ROOT, 'test', 'conformance', 'schemathesis.toml'),
        'run',
        `${base}/openapi.json`,
        '--header',
        `Authorization: Bearer ${service.tokens.admin}`,
        '--header',
        `X-Dispatch-Org: ${service.org}`,
        '--checks',
        'all',
        // See test/conformance/schemathesis.toml for why this one check is left out.
        '--exclude-checks',
        'ensure_resource_availability',
        '--max-examples',
        '25',
        // One worker: Hypothesis's source inspection is not thread-safe (an "AST constructor recursion depth
        // mismatch" error with two).
        '--workers',
        '1',
        '--seed',
        '1',
        '--request-timeout',
        '20',
        '--no-color',
        '--report',
        'junit',
        '--report-junit-path',
        report,
      ],
      // Schemathesis keeps a cache in its working directory: the test stack's folder, not the repository.
      { cwd: join(ROOT, '.stack', 'test'), maxBuffer: 64 * 1024 * 1024, timeout: 900_000 },
    ).catch((err: { stdout?: string; stderr?: string; code?: number }) => ({
      stdout: err.stdout ?? '',
      stderr: `${err.stderr ?? ''}\nexit code ${err.code}`,
    }));
    writeFileSync(log.path, `${stdout}\n${stderr}`);
    // The summary names every failing check; the whole output is in the log for the details.
    const summary = stdout.slice(stdout.lastIndexOf('SUMMARY'));
    expect(stderr, `see ${log.path}`).not.toMatch(/exit code/);
    expect(summary, `see ${log.path}`).not.toMatch(/Failures:|Errors:/);
    expect(summary, `see ${log.path}`).toMatch(/(\d+) generated, \1 passed/);
    // Every operation was exercised: the API's (EXPECTED_OPERATIONS) but deleteToken (see the config), and GET /docs.
    const operations = EXPECTED_OPERATIONS.flatMap(([, methods]) => methods).length;
    expect(summary.match(/Tested: (\d+)/)?.[1], summary).toBe(String(operations - 1 + 1));
  }, 900_000);
});
