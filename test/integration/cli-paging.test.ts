import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { images, rebuilds } from '../../db/schema.js';
import { expectOk, runCli, serveForCli, type CliServer } from '../helpers/cli.js';
import { startTestService, type TestService } from '../helpers/service.js';

// `dispatch get ...` lists follow the API's pages (Link rel=next) over HTTP: more rows than one page of 100, inserted
// straight into Postgres (no builds), all listed once. No worker: nothing here needs a workflow.
let service: TestService;
let cli: CliServer;
const COUNT = 150;

const dispatch = (...args: string[]) =>
  runCli(args, { DISPATCH_API_URL: cli.apiUrl, DISPATCH_TOKEN: service.tokens.admin, DISPATCH_ORGANIZATION: '' });

beforeAll(async () => {
  service = await startTestService({ worker: false });
  cli = await serveForCli(service);
  const names = Array.from({ length: COUNT }, (_, i) => `many-${String(i).padStart(3, '0')}`);
  await service.database.db
    .insert(images)
    .values(names.map((name) => ({ org: service.org, name, baseImageName: 'py', language: 'python3' })));
  // Rebuilds three to a microsecond: the cursor's timestamps must keep them apart.
  await service.database.db.insert(rebuilds).values(
    Array.from({ length: COUNT }, (_, i) => ({
      id: randomUUID(),
      org: service.org,
      selector: { all: true as const },
      dryRun: true,
      trigger: 'api',
      createdAt:
        sql`${`2026-05-06 07:08:09.${String(100_000 + Math.floor(i / 3)).slice(1)}+00`}::timestamptz` as unknown as Date,
    })),
  );
});

afterAll(async () => {
  await cli?.close();
  await service?.close();
});

describe('dispatch CLI, lists longer than a page', () => {
  it('get images lists every image once, by name', async () => {
    const run = expectOk(await dispatch('get', 'images'));
    const [, , ...rows] = run.stdout.trimEnd().split('\n');
    const names = rows.map((row) => row.split('|')[0]!.trim());
    expect(names).toHaveLength(COUNT);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(COUNT);
  });

  it('get images --json is one array of them all', async () => {
    const listed = JSON.parse(expectOk(await dispatch('get', 'images', '--json')).stdout) as { name: string }[];
    expect(listed.map((i) => i.name)).toEqual(
      Array.from({ length: COUNT }, (_, i) => `many-${String(i).padStart(3, '0')}`),
    );
  });

  it('get rebuilds lists every rebuild once, newest first', async () => {
    const listed = JSON.parse(expectOk(await dispatch('get', 'rebuilds', '--json')).stdout) as { id: string }[];
    expect(new Set(listed.map((r) => r.id)).size).toBe(COUNT);
  });
});
