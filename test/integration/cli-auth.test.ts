import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, serveForCli, type CliServer } from '../helpers/cli.js';
import { startTestService, type TestService } from '../helpers/service.js';

// Tokens and where the CLI finds its settings: `create|get|delete token`, the org header, and the precedence of
// flags, DISPATCH_* variables and the config file. No builds: every command here is a quick API call.
let service: TestService;
let cli: CliServer;
let apiUrl: string, dir: string;

/** Runs the CLI as the org's admin unless `env` says otherwise; an `undefined` value removes the variable. */
function dispatch(args: string[], env: Record<string, string | undefined> = {}) {
  const defaults = {
    DISPATCH_API_URL: apiUrl,
    DISPATCH_TOKEN: service.tokens.admin,
    DISPATCH_ORGANIZATION: undefined, // the token names the org
  };
  return runCli(args, { ...defaults, ...env }, { timeoutMs: 60_000 });
}

beforeAll(async () => {
  service = await startTestService({ worker: false });
  cli = await serveForCli(service);
  apiUrl = cli.apiUrl;
  dir = await mkdtemp(join(tmpdir(), 'cli-auth-'));
});

afterAll(async () => {
  await cli?.close();
  await service?.close();
});

describe('dispatch CLI, tokens', () => {
  let id: string, token: string;

  it('creates a token, printed alone on stdout once, with the advice on stderr', async () => {
    const run = await dispatch(['create', 'token', 'cli ci', '--role', 'developer']);
    expect(run.code).toBe(0);
    token = run.stdout.trim();
    expect(token).toMatch(/^\S+$/);
    expect(run.stderr).toMatch(/Created developer token "cli ci" \(id [0-9a-f-]{36}\) for org .*shown only now/);
    id = /\(id ([0-9a-f-]{36})\)/.exec(run.stderr)?.[1] ?? '';
  });

  it('lists tokens by name and role, never the tokens themselves', async () => {
    const run = await dispatch(['get', 'tokens']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^ +ID +\| +NAME +\| +ROLE +\| +CREATED DATE +\| +EXPIRES *$/);
    expect(run.stdout).toMatch(new RegExp(`^  ${id} \\| cli ci +\\| developer \\| `, 'm'));
    expect(run.stdout).not.toContain(token);
    expect(run.stdout).not.toContain(service.tokens.admin);
  });

  it('the new token works until it is deleted', async () => {
    expect((await dispatch(['get', 'images'], { DISPATCH_TOKEN: token })).code).toBe(0);
    const deleted = await dispatch(['delete', 'token', id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout.trim()).toBe(`Deleted token: ${id}`);
    const refused = await dispatch(['get', 'images'], { DISPATCH_TOKEN: token });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('[Code: 401] invalid bearer token (the token in DISPATCH_TOKEN was refused)');
  });

  it('refuses tokens to a developer, and another org to any token, with 403', async () => {
    const developer = await dispatch(['get', 'tokens'], { DISPATCH_TOKEN: service.tokens.developer });
    expect(developer.stderr).toMatch(/^\[Code: 403\] role developer may not GET \/v1\/token/);
    const otherOrg = await dispatch(['get', 'images', '--organization', 'some-other-org']);
    expect(otherOrg.stderr).toMatch(/^\[Code: 403\] this token belongs to org .*; it cannot act on org some-other-org/);
    // The token's own org, named explicitly, is fine.
    expect((await dispatch(['get', 'images'], { DISPATCH_ORGANIZATION: service.org })).code).toBe(0);
  });

  it('requires a role, one of admin, developer, viewer', async () => {
    const run = await dispatch(['create', 'token', 'x', '--role', 'owner']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Allowed choices are admin, developer, viewer');
  });
});

describe('dispatch CLI, settings', () => {
  // `get tokens` needs the admin role: whether it works tells which token was used.
  const configWith = async (config: object) => {
    const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify(config));
    return path;
  };

  it('takes server and token from the config file, and DISPATCH_TOKEN and --token over it', async () => {
    const admin = await configWith({ server: apiUrl, token: service.tokens.admin });
    const fromFile = await dispatch(['get', 'tokens'], {
      DISPATCH_CONFIG: admin,
      DISPATCH_TOKEN: undefined,
      DISPATCH_API_URL: undefined,
    });
    expect(fromFile.code).toBe(0);

    const viewer = await configWith({ server: apiUrl, token: service.tokens.viewer });
    const fileViewer = await dispatch(['get', 'tokens', '--config', viewer], { DISPATCH_TOKEN: undefined });
    expect(fileViewer.stderr).toMatch(/^\[Code: 403\] role viewer/);
    expect((await dispatch(['get', 'tokens', '--config', viewer])).code).toBe(0);
    const flag = await dispatch(['get', 'tokens', '--token', service.tokens.viewer]);
    expect(flag.stderr).toMatch(/^\[Code: 403\] role viewer/);
  });

  it('names the setting whose token was refused, never the token', async () => {
    const bogus = await configWith({ server: apiUrl, token: 'dsp_not-a-token' });
    const run = await dispatch(['get', 'images'], { DISPATCH_CONFIG: bogus, DISPATCH_TOKEN: undefined });
    expect(run.stderr.trim()).toBe(`[Code: 401] invalid bearer token (the token in ${bogus} was refused)`);
    const flag = await dispatch(['get', 'images', '--token', 'dsp_not-a-token']);
    expect(flag.stderr.trim()).toBe('[Code: 401] invalid bearer token (the token given with --token was refused)');
  });
});
