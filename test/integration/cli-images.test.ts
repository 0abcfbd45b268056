import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, serveForCli, type CliServer } from '../helpers/cli.js';
import { pythonFixture } from '../helpers/env.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { pushTemplatedBase } from '../helpers/template-bases.js';
import { eventually, settledBaseImage } from '../helpers/wait.js';

// The image commands as users run them: `node cli/bin.js` in a child process against the real service (served on a
// random port), which builds with real Docker, the local registry, PyPI and the Debian mirrors.
let service: TestService;
let cli: CliServer;
let dir: string;

function dispatch(...args: string[]) {
  // The token names the org (no org header).
  const env = { DISPATCH_API_URL: cli.apiUrl, DISPATCH_TOKEN: service.tokens.admin, DISPATCH_ORGANIZATION: '' };
  return runCli(args, env, { timeoutMs: 170_000 });
}

/** The body rows of a CLI table (below the header and its rule), each as its trimmed cells. */
function tableRows(out: string): string[][] {
  const [, , ...rows] = out.trimEnd().split('\n');
  return rows.map((row) => row.split('|').map((cell) => cell.trim()));
}

const [base, name, broken] = ['cli-py', 'cli-six', 'cli-broken'];

beforeAll(async () => {
  service = await startTestService();
  cli = await serveForCli(service);

  await service.call('POST', '/v1/baseimage', { name: base, dockerUrl: pythonFixture(), language: 'python3' });
  expect((await settledBaseImage(service, base)).status).toBe('READY');

  dir = await mkdtemp(join(tmpdir(), 'cli-images-'));
  // A line unique to the run, so pip really runs (and logs) instead of Docker reusing a cached layer.
  await writeFile(join(dir, 'req.txt'), `# run ${randomUUID()}\nsix==1.16.0\n`);
  await writeFile(join(dir, 'sys.json'), JSON.stringify({ packages: [{ name: 'jq' }] }));
  await writeFile(join(dir, 'broken.txt'), `# run ${randomUUID()}\nno-such-package-dispatch-xyz==1.0\n`);
  await writeFile(join(dir, 'bad.yaml'), 'packages:\n  - name: curl\n    versoin: "1"\n');
});

afterAll(async () => {
  await cli?.close();
  await service?.close();
});

describe('dispatch CLI, images', () => {
  it('creates an image from dependency files and --wait follows the build to READY', async () => {
    const deps = ['--runtime-deps', join(dir, 'req.txt'), '--system-deps', join(dir, 'sys.json')];
    const run = await dispatch('create', 'image', name, base, ...deps, '--wait');
    expect(run.stderr).toContain(`image ${name}: READY`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Created image: ${name}`);
  });

  it('shows it with the BASEIMAGE column, and as JSON', async () => {
    const run = await dispatch('get', 'image', name);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^ +NAME +\| +URL +\| +BASEIMAGE +\| +STATUS +\| +CREATED DATE$/);
    const [row, ...rest] = tableRows(run.stdout);
    expect(row).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:5000\//), base, 'READY', expect.any(String)]);
    expect(rest).toEqual([]);

    const json = await dispatch('get', 'images', '--json');
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ kind: 'Image', name, baseImageName: base })]);
  });

  it('lists what the build installed, and the build itself', async () => {
    const catalog = await dispatch('get', 'catalog', name);
    expect(catalog.code).toBe(0);
    expect(catalog.stdout.split('\n')[0]).toMatch(/^ +ECOSYSTEM +\| +NAME +\| +VERSION$/);
    const packages = tableRows(catalog.stdout);
    expect(packages).toContainEqual(['pypi', 'six', '1.16.0']);
    expect(packages).toContainEqual(['deb', 'jq', expect.any(String)]);

    const builds = await dispatch('get', 'builds', name);
    expect(builds.code).toBe(0);
    expect(builds.stdout.split('\n')[0]).toMatch(/^ +ID +\| TRIGGER \| +OUTCOME +\| DURATION \| +STARTED$/);
    const [id, ...build] = tableRows(builds.stdout).flat();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(build).toEqual(['create', 'SUCCEEDED', expect.stringMatching(/^\d+\.\ds$/), expect.any(String)]);
  });

  it('prints the build log, of the latest build or of one named build', async () => {
    const latest = await dispatch('logs', 'image', name);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain('==> dispatch: installing runtime dependencies with pip');

    const [build] = (await service.call('GET', `/v1/image/${name}/builds`)).body;
    const one = await dispatch('logs', 'image', name, '--build', build.id, '--follow');
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(latest.stdout);
  });

  it('refuses an unknown base image with the API status', async () => {
    const run = await dispatch('create', 'image', 'cli-orphan', 'no-such-base');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[Code: 400]');
  });

  it('names the dependency file it could not read or parse', async () => {
    const missing = await dispatch('create', 'image', 'cli-x', base, '--runtime-deps', join(dir, 'missing.txt'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('failed to read runtime dependencies file');

    const bad = await dispatch('create', 'image', 'cli-x', base, '--system-deps', join(dir, 'bad.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('failed to parse system dependencies file: unknown field "versoin"');
  });

  it('--wait exits 1 with the reason and the last build output; logs -f follows the failing build', async () => {
    const waiting = dispatch('create', 'image', broken, base, '--runtime-deps', join(dir, 'broken.txt'), '--wait');
    // Follow the build from while it runs: the command returns when the build ends.
    const builds = `/v1/image/${broken}/builds`;
    await eventually('its first build', async () => (await service.call('GET', builds)).body?.[0]);
    const followed = await dispatch('logs', 'image', broken, '-f');
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('No matching distribution found for no-such-package-dispatch-xyz==1.0');

    const run = await waiting;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`image ${broken}: ERROR`);
    expect(run.stderr).toMatch(/image cli-broken is in ERROR: build failed while installing runtime dependencies/);
    // reason[1], the last lines of the build output, on lines of their own.
    expect(run.stderr).toMatch(/\n.*No matching distribution found for no-such-package-dispatch-xyz==1\.0/);
  });

  it('logs --follow says the build is still running while it prints nothing', async () => {
    // A template whose build is silent for longer than the CLI waits before saying so (10 s).
    // The run's own id in the step, so Docker cannot answer it from the cache of an earlier run.
    const quiet = `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN echo ${randomUUID()} && sleep 14\n`;
    await service.call('POST', '/v1/baseimage', {
      name: 'quiet',
      dockerUrl: pushTemplatedBase(quiet),
      language: 'python3',
    });
    expect((await settledBaseImage(service, 'quiet')).status).toBe('READY');
    await service.call('POST', '/v1/image', { name: 'quiet-app', baseImageName: 'quiet' });
    await eventually("quiet-app's build to start", async () => {
      const builds = (await service.call('GET', '/v1/image/quiet-app/builds')).body as { outcome: string }[];
      return builds[0]?.outcome === 'RUNNING' ? true : undefined;
    });
    const run = await dispatch('logs', 'image', 'quiet-app', '--follow');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^still building \(running the base image's template build, \d+s\)$/m);
  });

  it('deletes it, after which it is gone', async () => {
    const deleted = await dispatch('delete', 'image', name);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout.trim()).toBe(`Deleted image: ${name}`);

    const after = await dispatch('get', 'image', name);
    expect(after.code).toBe(1);
    expect(after.stderr.trim()).toBe(`[Code: 404] image ${name} not found`);
  });
});
