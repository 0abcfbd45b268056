import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, serveForCli, type CliServer } from '../helpers/cli.js';
import { pythonFixture } from '../helpers/env.js';
import { startTestService, type TestService } from '../helpers/service.js';

// The CLI as users run it: a separate process talking HTTP to the real service (served here on a random port).
let service: TestService;
let cli: CliServer;

function dispatch(...args: string[]) {
  const env = {
    DISPATCH_API_URL: cli.apiUrl,
    // The org header is optional; sent, it must match the token's org, which this also checks.
    DISPATCH_ORGANIZATION: service.org,
    DISPATCH_TOKEN: service.tokens.admin,
  };
  return runCli(args, env, { timeoutMs: 150_000 });
}

beforeAll(async () => {
  service = await startTestService();
  cli = await serveForCli(service);
});

afterAll(async () => {
  await cli?.close();
  await service?.close();
});

describe('dispatch CLI, base images', () => {
  const name = 'cli-python';

  it('creates a base image and --wait follows it to READY', async () => {
    const run = await dispatch('create', 'base-image', name, pythonFixture(), '--language', 'python3', '--wait');
    expect(run.stderr).toContain(`base image ${name}: READY`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Created base image: ${name}`);
  });

  it('shows it in the seed table style', async () => {
    const run = await dispatch('get', 'base-image', name);
    expect(run.code).toBe(0);
    const [header, rule, row, ...rest] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ +NAME +\| +URL +\| STATUS \| +CREATED DATE$/);
    expect(rule).toMatch(/^-+$/);
    const date = /[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ \d{4}/.source;
    expect(row).toMatch(new RegExp(`^  ${name} \\| ${escape(pythonFixture())} \\| READY  \\| ${date}$`));
    expect(rest).toEqual([]);
  });

  it('prints the resource as JSON and the list as YAML', async () => {
    const one = await dispatch('get', 'base-image', name, '--json');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ kind: 'BaseImage', name, status: 'READY', language: 'python3' });

    const list = await dispatch('get', 'base-images', '-o', 'yaml');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^- id: .*\\n(.*\\n)*  name: ${name}\\n`));
  });

  it('reports a duplicate with the API status and message', async () => {
    const run = await dispatch('create', 'base-image', name, pythonFixture(), '--language', 'python3');
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim()).toBe(`[Code: 409] base image ${name} already exists`);
  });

  it('reports a missing base image as 404', async () => {
    const run = await dispatch('get', 'base-image', 'missing-x');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('[Code: 404] base image missing-x not found');
  });

  it('deletes it, after which it is gone', async () => {
    const deleted = await dispatch('delete', 'base-image', name);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout.trim()).toBe(`Deleted base image: ${name}`);

    const after = await dispatch('get', 'base-image', name);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('[Code: 404]');
  });

  it('--wait exits non-zero with the reason when the base image ends in ERROR', async () => {
    const missing = '127.0.0.1:5000/dispatch-fixtures/does-not-exist:0.0.1';
    const run = await dispatch('create', 'base-image', 'cli-missing', missing, '--language', 'python3', '--wait');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('base image cli-missing: ERROR');
    expect(run.stderr).toMatch(/base image cli-missing is in ERROR: .*does-not-exist/);
  });

  it('names the server when it cannot reach it', async () => {
    const run = await dispatch('get', 'base-image', '--server', 'http://127.0.0.1:9');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('could not reach the Dispatch API at http://127.0.0.1:9');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
