import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, runCli, serveForCli, type CliRun, type CliServer } from '../helpers/cli.js';
import { pythonFixture } from '../helpers/env.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { eventually, settledBaseImage, settledImage } from '../helpers/wait.js';

// Batch rebuilds, rebuild schedules and catalog diffs as users run them: `node cli/bin.js` in a child process
// against the real service (served on a random port), which builds with real Docker, the registry and PyPI.
let service: TestService;
let cli: CliServer;

function dispatch(...args: string[]) {
  // The token names the org (no org header).
  const env = { DISPATCH_TOKEN: service.tokens.admin, DISPATCH_ORGANIZATION: '', DISPATCH_API_URL: cli.apiUrl };
  return runCli(args, env, { timeoutMs: 170_000 });
}

/** The header of a CLI table and its body rows (below the rule), each as trimmed cells. */
function table(out: string): { header: string[]; rows: string[][] } {
  const [header = [], , ...rows] = out
    .trimEnd()
    .split('\n')
    .map((line) => line.split('|').map((c) => c.trim()));
  return { header, rows };
}

/** Runs a command that must succeed, answering its output. */
async function ok(...args: string[]): Promise<CliRun> {
  return expectOk(await dispatch(...args));
}

const [base, image] = ['cli-rb-py', 'cli-rb-six'];

beforeAll(async () => {
  service = await startTestService();
  cli = await serveForCli(service);

  await service.call('POST', '/v1/baseimage', { name: base, dockerUrl: pythonFixture(), language: 'python3' });
  expect((await settledBaseImage(service, base)).status).toBe('READY');
  // A line unique to the run, so the build really runs instead of reusing another test's identical inputs.
  const manifest = `# run ${randomUUID()}\nsix==1.16.0\n`;
  await service.call('POST', '/v1/image', { name: image, baseImageName: base, runtimeDependencies: { manifest } });
  expect((await settledImage(service, image)).status).toBe('READY');
});

afterAll(async () => {
  await cli?.close();
  await service?.close();
});

describe('dispatch CLI, rebuilds and schedules', () => {
  it('plans with --dry-run: nothing moved, so nothing is rebuilt; a selector is required', async () => {
    const plan = table((await ok('rebuild', '--all', '--dry-run')).stdout);
    expect(plan.header).toEqual(['IMAGE', 'BASEIMAGE', 'REBUILD', 'REASON']);
    expect(plan.rows).toEqual([[image, base, 'no', expect.stringMatching(/^inputs unchanged/)]]);
    const none = await dispatch('rebuild', '--dry-run');
    expect(none).toMatchObject({ code: 1, stderr: expect.stringMatching(/^choose the images: one of --all, /) });
    const unknown = await dispatch('rebuild', '--base-image', 'no-such-base', '--dry-run');
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/^\[Code: 400\] .*no-such-base not/) });
  });

  it('runs a forced rebuild with --wait, then lists it and shows its images', async () => {
    const run = await ok('rebuild', '--base-image', base, '--force', '--wait');
    const [started = '', ...itemLines] = run.stdout.trimEnd().split('\n');
    const id = /^Started rebuild: ([0-9a-f-]{36})$/.exec(started)?.[1] ?? 'none';
    expect(run.stderr).toContain(`rebuild ${id}: DONE: 1 SUCCEEDED`);
    const items = { header: ['IMAGE', 'OUTCOME', 'REASON'], rows: [[image, 'SUCCEEDED', 'forced']] };
    expect(table(itemLines.join('\n'))).toEqual(items);

    const list = table((await ok('get', 'rebuilds')).stdout);
    expect(list.header).toEqual(['ID', 'TRIGGER', 'STATUS', 'DRY RUN', 'CREATED DATE']);
    expect(list.rows).toContainEqual([id, 'api', 'DONE', 'no', expect.any(String)]);
    const one = await ok('get', 'rebuild', id);
    expect(one.stderr.trim()).toBe(`rebuild ${id}: DONE: 1 SUCCEEDED`);
    expect(table(one.stdout)).toEqual(items);
  });

  it('shows the catalog diff: none after a forced rebuild on the same base, and none for a first build', async () => {
    const builds = (await service.call('GET', `/v1/image/${image}/builds`)).body as { id: string }[];
    const [latest = '', first = ''] = builds.map((b) => b.id);
    const diff = await ok('get', 'catalog-diff', image);
    expect(diff.stderr.trim()).toBe(`build ${latest} compared with build ${first}: no package changed`);
    expect(diff.stdout).toBe('');
    const json = JSON.parse((await ok('get', 'catalog-diff', image, '-o', 'json')).stdout);
    expect(json).toMatchObject({ image, buildId: latest, previousBuildId: first, changed: [] });
    const initial = await ok('get', 'catalog-diff', image, '--build', first);
    expect(initial.stderr.trim()).toBe(`build ${first}: no previous build to compare with`);
    const missing = await dispatch('get', 'catalog-diff', image, '--build', 'nope');
    expect(missing).toMatchObject({ code: 1, stderr: `image ${image} has no build nope\n` });

    const history = table((await ok('get', 'builds', image)).stdout);
    expect(history.header).toEqual(['ID', 'TRIGGER', 'OUTCOME', 'CATALOG', 'DURATION', 'STARTED']);
    expect(history.rows.map((row) => row.slice(1, 4))).toEqual([
      ['rebuild', 'SUCCEEDED', '+0 -0 ~0'],
      ['create', 'SUCCEEDED', ''],
    ]);
  });

  const line = async (...args: string[]) => (await ok(...args)).stdout.trim();

  it('creates a paused schedule, which still shows its next run; refuses a bad cron', async () => {
    const created = await line('create', 'rebuild-schedule', 'nightly', '--cron', '0 3 * * *', '--all', '--paused');
    expect(created).toBe('Created rebuild schedule: nightly');
    const list = table((await ok('get', 'rebuild-schedules')).stdout);
    expect(list.header).toEqual(['NAME', 'CRON', 'SELECTOR', 'PAUSED', 'NEXT RUN']);
    expect(list.rows).toEqual([['nightly', '0 3 * * *', '--all', 'yes', expect.stringMatching(/ 03:00:00 /)]]);
    const bad = await dispatch('create', 'rebuild-schedule', 'bad', '--cron', 'every day', '--all');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^\[Code: 400\] rebuild schedule bad: cron: /);
  });

  it('unpauses, triggers a run that shows in `get rebuilds`, pauses and deletes it', async () => {
    expect(await line('unpause', 'rebuild-schedule', 'nightly')).toBe('Unpaused rebuild schedule: nightly');
    expect(table(await line('get', 'rebuild-schedule', 'nightly')).rows[0]?.[3]).toBe('no');
    expect(await line('trigger', 'rebuild-schedule', 'nightly')).toBe('Triggered rebuild schedule: nightly');
    const scheduled = async () =>
      ((await service.call('GET', '/v1/rebuilds')).body as { id: string; trigger: string; status: string }[]).find(
        (r) => r.trigger === 'schedule nightly' && r.status === 'DONE',
      );
    const { id } = await eventually('the triggered rebuild to finish', scheduled, 170_000);
    const runs = table((await ok('get', 'rebuilds')).stdout).rows;
    expect(runs).toContainEqual([id, 'schedule nightly', 'DONE', 'no', expect.any(String)]);
    // Nothing moved and the schedule does not force: the image is planned, and skipped.
    const items = table((await ok('get', 'rebuilds', id)).stdout).rows;
    expect(items).toEqual([[image, 'SKIPPED', expect.stringMatching(/^inputs unchanged/)]]);

    expect(await line('pause', 'rebuild-schedule', 'nightly')).toBe('Paused rebuild schedule: nightly');
    expect(await line('delete', 'rebuild-schedule', 'nightly')).toBe('Deleted rebuild schedule: nightly');
    const gone = await dispatch('get', 'rebuild-schedule', 'nightly');
    expect(gone).toMatchObject({ code: 1, stderr: expect.stringMatching(/^\[Code: 404\] /) });
  });
});
