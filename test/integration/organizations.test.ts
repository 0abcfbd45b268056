import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, isNull, ne, sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, baseImages, organizations } from '../../db/schema.js';
import { createPlatformToken, deletePlatformToken } from '../../db/tokens.js';
import { runCli, serveForCli, type CliServer } from '../helpers/cli.js';
import { startTestService, type TestService } from '../helpers/service.js';

// Organizations: the platform admin opens them (with a first admin token), lists and deletes them; org tokens never
// reach these endpoints, the platform token never reaches inside an org, and an org's tokens go with it. Token
// expiry too. No worker: base images stay INITIALIZED, which is all an org needs to "hold" one.

let service: TestService;
let cli: CliServer;
const run = randomUUID().slice(0, 8);
/** Org names are service-wide and the tests' database outlives a run: every name here is this run's own. */
const orgName = (what: string) => `orgs-${run}-${what}`;
const created: string[] = [];

const baseImage = { name: 'b', dockerUrl: '127.0.0.1:5000/dispatch-test/never-pulled:1', language: 'python3' };

/** A request with `token` (and no org header unless given). */
async function callWith(token: string, method: string, path: string, body?: unknown, headers = {}) {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${token}`, ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await service.app.request(path, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
const asPlatform = (method: string, path: string, body?: unknown) =>
  callWith(service.tokens.platform, method, path, body);

/**
 * Every item of a platform list, following its `Link: rel="next"` pages: the tests' database outlives runs, so one
 * page may not hold this run's items.
 */
async function allOf<T>(path: string, token = service.tokens.platform): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = `${path}?limit=1000`;
  for (let pages = 0; next && pages < 1000; pages++) {
    const response = await service.app.request(next, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    items.push(...((await response.json()) as T[]));
    next = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('Link') ?? '')?.[1];
  }
  return items;
}

/** Inserts into base_images that wait on a row lock right now (the org row's, in the test below). */
async function insertsWaitingOnALock(): Promise<number> {
  const { rows } = await service.database.pool.query(
    `select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and query like 'insert into "base_images"%'`,
  );
  return rows[0].n;
}

async function openOrg(what: string, extra: object = {}) {
  const name = orgName(what);
  const answer = await asPlatform('POST', '/v1/org', { name, ...extra });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  created.push(name);
  return answer.body as { name: string; createdAt: string; token: string };
}

beforeAll(async () => {
  service = await startTestService({ worker: false });
  cli = await serveForCli(service);
});

afterAll(async () => {
  if (!service) return;
  // Workflows of the orgs opened here (verifications and cleanups nobody will run) would wait forever.
  for (const org of created) {
    for await (const execution of service.temporal.workflow.list({
      query: `DispatchOrg = "${org}" AND ExecutionStatus = "Running"`,
    })) {
      await service.temporal.workflow
        .getHandle(execution.workflowId)
        .terminate('organizations test finished')
        .catch(() => undefined);
    }
  }
  await cli?.close();
  await service.close();
});

describe('POST /v1/org', () => {
  it("opens an org whose first admin token works in it, and sees nothing of another org's", async () => {
    const before = Date.now();
    const org = await openOrg('tenant');
    expect(Object.keys(org).sort()).toEqual(['createdAt', 'name', 'token']);
    expect(org.name).toBe(orgName('tenant'));
    expect(org.token).toMatch(/^dsp_/);
    expect(Date.parse(org.createdAt)).toBeGreaterThanOrEqual(before - 5_000);

    const got = await asPlatform('GET', `/v1/org/${org.name}`);
    expect(got).toEqual({ status: 200, body: { name: org.name, createdAt: org.createdAt } });
    expect((await allOf<{ name: string }>('/v1/org')).map((o) => o.name)).toEqual(
      expect.arrayContaining([org.name, service.org]),
    );

    // The other org (the test service's) holds a base image; the new org sees none of it.
    expect((await service.call('POST', '/v1/baseimage', baseImage)).status).toBe(201);
    expect(await callWith(org.token, 'GET', '/v1/baseimage')).toEqual({ status: 200, body: [] });
    expect((await callWith(org.token, 'GET', '/v1/baseimage/b')).status).toBe(404);
    const across = await callWith(org.token, 'GET', '/v1/baseimage', undefined, { 'X-Dispatch-Org': service.org });
    expect(across.status).toBe(403);
    expect(across.body.message).toBe(`this token belongs to org ${org.name}; it cannot act on org ${service.org}`);

    // Its admin hands out tokens of its own org.
    const tokens = (await callWith(org.token, 'GET', '/v1/token')).body as Array<Record<string, unknown>>;
    expect(tokens).toEqual([
      {
        id: expect.any(String),
        name: `first admin of ${org.name}`,
        role: 'admin',
        createdTime: expect.any(Number),
        expiresAt: null,
      },
    ]);
  });

  it('answers 403 to every org token, naming the platform admin token', async () => {
    for (const role of ['admin', 'developer', 'viewer'] as const) {
      for (const [method, path] of [
        ['GET', '/v1/org'],
        ['POST', '/v1/org'],
        ['GET', `/v1/org/${service.org}`],
        ['DELETE', `/v1/org/${service.org}`],
      ] as const) {
        const answer = await service.callAs(
          role,
          method,
          path,
          method === 'POST' ? { name: orgName(role) } : undefined,
        );
        expect(answer.status, `${role} ${method} ${path}`).toBe(403);
        expect(answer.body.message).toBe(
          `role ${role} may not ${method} ${path} (allowed: platform): organizations and platform tokens are managed with the platform admin token only`,
        );
      }
    }
    // Nothing was created or deleted.
    expect((await asPlatform('GET', `/v1/org/${orgName('admin')}`)).status).toBe(404);
    expect((await asPlatform('GET', `/v1/org/${service.org}`)).status).toBe(200);
  });

  it('keeps the platform token out of every org', async () => {
    for (const path of ['/v1/baseimage', '/v1/image', '/v1/token', '/v1/rebuilds']) {
      const answer = await asPlatform('GET', path);
      expect(answer.status, path).toBe(403);
      expect(answer.body.message).toMatch(
        /^role platform may not GET .*: the platform admin token manages organizations and platform tokens only/,
      );
    }
    const minted = await asPlatform('POST', '/v1/token', { name: 'sneaky', role: 'admin' });
    expect(minted.status).toBe(403);
  });

  it('refuses a name that exists with 409', async () => {
    const answer = await asPlatform('POST', '/v1/org', { name: service.org });
    expect(answer).toEqual({ status: 409, body: { code: 409, message: `organization ${service.org} already exists` } });
  });

  it('refuses bad input with 400 naming the resource and the field, and changes nothing', async () => {
    const refusals: [unknown, string][] = [
      [{ name: 'no spaces!' }, 'organization no spaces!: name: must start with a letter or digit'],
      [{ name: `-${run}` }, `organization -${run}: name: must start with a letter or digit`],
      [{ name: 'x'.repeat(64) }, 'name: must start with a letter or digit'],
      [{}, 'organization: name: is required'],
      [{ name: orgName('bad'), expiresInDays: 0 }, `organization ${orgName('bad')}: expiresInDays: must be at least 1`],
      [{ name: orgName('bad'), expiresInDays: 3651 }, 'expiresInDays: must be at most 3650'],
      [{ name: orgName('bad'), expiresInDays: 1.5 }, 'expiresInDays: must be a whole number of days'],
      [{ name: orgName('bad'), owner: 'me' }, `organization ${orgName('bad')}: `],
    ];
    for (const [body, message] of refusals) {
      const answer = await asPlatform('POST', '/v1/org', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.message).toContain(message);
    }
    expect((await asPlatform('GET', `/v1/org/${orgName('bad')}`)).status).toBe(404);
    const path = await asPlatform('GET', '/v1/org/no%20spaces');
    expect(path.status).toBe(400);
    expect(path.body.message).toMatch(/^organization no spaces: name: must start/);
    const [row] = await service.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(organizations)
      .where(eq(organizations.name, orgName('bad')));
    expect(row?.n).toBe(0);
  });

  it('gives the first token the expiry asked for', async () => {
    const org = await openOrg('short', { expiresInDays: 7 });
    const [token] = (await callWith(org.token, 'GET', '/v1/token')).body as Array<{ expiresAt: string }>;
    const days = (Date.parse(token!.expiresAt) - Date.parse(org.createdAt)) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
  });
});

describe('DELETE /v1/org/{name}', () => {
  it('is refused while the org holds resources, naming them, and then deletes the org and its tokens', async () => {
    const org = await openOrg('closing');
    const asOrg = (method: string, path: string, body?: unknown) => callWith(org.token, method, path, body);
    const developer = (await asOrg('POST', '/v1/token', { name: 'dev', role: 'developer' })).body.token as string;
    expect((await asOrg('POST', '/v1/baseimage', baseImage)).status).toBe(201);
    expect((await asOrg('POST', '/v1/image', { name: 'i', baseImageName: 'b' })).status).toBe(201);

    const refused = await asPlatform('DELETE', `/v1/org/${org.name}`);
    expect(refused).toEqual({
      status: 409,
      body: { code: 409, message: `organization ${org.name} still holds 1 base image and 1 image: delete them first` },
    });
    expect((await asOrg('DELETE', '/v1/image/i')).status).toBe(200);
    expect((await asPlatform('DELETE', `/v1/org/${org.name}`)).body.message).toBe(
      `organization ${org.name} still holds 1 base image: delete them first`,
    );
    // Refusals changed nothing: the tokens still work.
    expect((await callWith(developer, 'GET', '/v1/image')).status).toBe(200);
    expect((await asOrg('DELETE', '/v1/baseimage/b')).status).toBe(200);

    const deleted = await asPlatform('DELETE', `/v1/org/${org.name}`);
    expect(deleted).toEqual({ status: 200, body: { name: org.name, deleted: true, deletedTokens: 2 } });
    for (const token of [org.token, developer]) {
      expect(await callWith(token, 'GET', '/v1/image')).toEqual({
        status: 401,
        body: { code: 401, message: 'invalid bearer token' },
      });
    }
    expect((await asPlatform('GET', `/v1/org/${org.name}`)).body).toEqual({
      code: 404,
      message: `organization ${org.name} not found`,
    });
    expect((await asPlatform('DELETE', `/v1/org/${org.name}`)).status).toBe(404);
  });

  it('refuses, in the database, a resource written while its org is deleted; a new org of that name finds none', async () => {
    const org = await openOrg('racing');
    // The deleting side, by hand so that it can pause: deleteOrganization's own steps, in one transaction.
    const deleting = await service.database.pool.connect();
    try {
      await deleting.query('begin');
      await deleting.query('select 1 from organizations where name = $1 for update', [org.name]);
      // The write's token check and its re-check after the body both pass: nothing is committed yet.
      const write = callWith(org.token, 'POST', '/v1/baseimage', { ...baseImage, name: 'late' });
      await expect.poll(() => insertsWaitingOnALock(), { timeout: 30_000 }).toBeGreaterThan(0);
      await deleting.query('delete from api_tokens where org = $1', [org.name]);
      await deleting.query('delete from organizations where name = $1', [org.name]);
      await deleting.query('commit');
      expect(await write).toEqual({ status: 401, body: { code: 401, message: 'invalid bearer token' } });
    } finally {
      deleting.release();
    }
    const rows = await service.database.db.select().from(baseImages).where(eq(baseImages.org, org.name));
    expect(rows).toEqual([]);
    const reopened = await asPlatform('POST', '/v1/org', { name: org.name });
    expect(reopened.status).toBe(201);
    expect(await callWith(reopened.body.token, 'GET', '/v1/baseimage')).toEqual({ status: 200, body: [] });
  });

  it('names schedules and running rebuilds too', async () => {
    const org = await openOrg('busy');
    const asOrg = (method: string, path: string, body?: unknown) => callWith(org.token, method, path, body);
    const schedule = { name: 'nightly', cron: '0 3 * * *', selector: { all: true }, paused: true };
    expect((await asOrg('POST', '/v1/rebuildschedules', schedule)).status).toBe(201);
    expect((await asOrg('POST', '/v1/rebuilds', { selector: { all: true } })).status).toBe(202);
    expect((await asPlatform('DELETE', `/v1/org/${org.name}`)).body.message).toBe(
      `organization ${org.name} still holds 1 rebuild schedule and 1 running rebuild: delete them first`,
    );
    await service.temporal.schedule
      .getHandle(`rebuild-schedule/${org.name}/nightly`)
      .delete()
      .catch(() => undefined);
  });
});

describe('token expiry', () => {
  it('answers 401 token expired for an expired token, and nothing else about it', async () => {
    const made = await service.call('POST', '/v1/token', { name: 'ci, a month', role: 'viewer', expiresInDays: 30 });
    expect(made.status).toBe(201);
    const days = (Date.parse(made.body.expiresAt) - made.body.createdTime * 1000) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThan(30.01);
    const listed = (await service.call('GET', '/v1/token')).body as Array<{ id: string; expiresAt: string | null }>;
    expect(listed.find((t) => t.id === made.body.id)?.expiresAt).toBe(made.body.expiresAt);
    expect((await callWith(made.body.token, 'GET', '/v1/image')).status).toBe(200);

    // A month later, as far as the database can tell.
    await service.database.db
      .update(apiTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(apiTokens.id, made.body.id));
    expect(await callWith(made.body.token, 'GET', '/v1/image')).toEqual({
      status: 401,
      body: { code: 401, message: 'token expired' },
    });
    // An unknown token is still told apart from an expired one.
    expect((await callWith('dsp_unknown', 'GET', '/v1/image')).body.message).toBe('invalid bearer token');
  });

  it('refuses expiries out of range with 400 naming the field', async () => {
    for (const expiresInDays of [0, -1, 3651, 'soon']) {
      const answer = await service.call('POST', '/v1/token', { name: 'x', role: 'viewer', expiresInDays });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(/^token x: expiresInDays: must be/);
    }
    const platform = await service.call('POST', '/v1/token', { name: 'x', role: 'platform' });
    expect(platform.body.message).toBe('token x: role: must be one of admin, developer, viewer');
  });
});

describe('dispatch CLI, organizations', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-orgs-'));
  });
  /** The CLI with a config file holding both tokens, as the local stack writes it. */
  const dispatch = async (args: string[], env: Record<string, string | undefined> = {}) => {
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({ server: cli.apiUrl, token: service.tokens.admin, platformToken: service.tokens.platform }),
    );
    const defaults = {
      DISPATCH_CONFIG: config,
      DISPATCH_API_URL: undefined,
      DISPATCH_TOKEN: undefined,
      DISPATCH_PLATFORM_TOKEN: undefined,
      DISPATCH_ORGANIZATION: undefined,
    };
    return runCli(args, { ...defaults, ...env }, { timeoutMs: 60_000 });
  };

  it('create organization -o json answers exactly {name, token}, with the platform token of the config file', async () => {
    const name = orgName('cli-json');
    const run = await dispatch(['create', 'organization', name, '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    created.push(name);
    const answer = JSON.parse(run.stdout) as Record<string, string>;
    expect(Object.keys(answer).sort()).toEqual(['name', 'token']);
    expect(answer.name).toBe(name);
    expect((await callWith(answer.token!, 'GET', '/v1/image')).status).toBe(200);

    const shown = await dispatch(['get', 'organization', name]);
    expect(shown.stdout).toMatch(new RegExp(`^ +NAME +\\| +CREATED DATE *\\n-+\\n +${name} \\| `));
    const all = await dispatch(['get', 'organizations', '-o', 'json']);
    expect((JSON.parse(all.stdout) as Array<{ name: string }>).map((o) => o.name)).toContain(name);

    const deleted = await dispatch(['delete', 'organization', name]);
    expect(deleted.stdout.trim()).toBe(`Deleted organization: ${name} (1 token revoked)`);
    expect((await callWith(answer.token!, 'GET', '/v1/image')).status).toBe(401);
  });

  it('create organization prints the token alone on stdout, the advice on stderr; DISPATCH_PLATFORM_TOKEN works', async () => {
    const name = orgName('cli-text');
    const run = await dispatch(['create', 'organization', name, '--expires-in', '30d'], {
      DISPATCH_CONFIG: join(dir, 'missing.json'),
      DISPATCH_API_URL: cli.apiUrl,
      DISPATCH_PLATFORM_TOKEN: service.tokens.platform,
    });
    expect(run.code, run.stderr).toBe(0);
    created.push(name);
    expect(run.stdout.trim()).toMatch(/^dsp_\S+$/);
    expect(run.stderr).toContain(`Created organization ${name}.`);
    expect(run.stderr).toContain('shown only now');
    expect(run.stderr).not.toContain(run.stdout.trim());
    const [token] = (await callWith(run.stdout.trim(), 'GET', '/v1/token')).body as Array<{ expiresAt: string }>;
    expect(token!.expiresAt).not.toBeNull();
  });

  it('organization commands refuse an org token with the API 403, and name the platform token setting on 401', async () => {
    const refused = await dispatch(['get', 'organizations', '--token', service.tokens.admin]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      '[Code: 403] role admin may not GET /v1/org (allowed: platform): organizations and platform tokens are managed with the platform admin token only',
    );
    const bogus = await dispatch(['get', 'organizations'], { DISPATCH_PLATFORM_TOKEN: 'dsp_not-a-token' });
    expect(bogus.stderr.trim()).toBe(
      '[Code: 401] invalid bearer token (the token in DISPATCH_PLATFORM_TOKEN was refused)',
    );
    // The org commands never fall back to the org's token, nor the others to the platform's.
    const none = await dispatch(['get', 'organizations'], {
      DISPATCH_CONFIG: join(dir, 'missing.json'),
      DISPATCH_API_URL: cli.apiUrl,
      DISPATCH_TOKEN: service.tokens.admin,
    });
    expect(none.stderr).toContain('no token given: use --token, DISPATCH_PLATFORM_TOKEN or "platformToken" in');
    expect((await dispatch(['get', 'images'])).code).toBe(0);
    const duplicate = await dispatch(['create', 'organization', service.org]);
    expect(duplicate.stderr.trim()).toBe(`[Code: 409] organization ${service.org} already exists`);
  });

  it('create platform-token, get platform-tokens and delete platform-token use the platform token', async () => {
    const made = await dispatch(['create', 'platform-token', `cli ${run}`, '--expires-in', '2d']);
    expect(made.code, made.stderr).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^dsp_\S+$/);
    const id = /\(id ([0-9a-f-]{36})\)/.exec(made.stderr)?.[1] ?? '';
    expect(made.stderr).toMatch(/^Created platform admin token "cli \w+" \(id [0-9a-f-]{36}\), expiring \d{4}-/);
    expect(made.stderr).not.toContain(token);
    expect((await callWith(token, 'GET', '/v1/org?limit=1')).status).toBe(200);

    const listed = await dispatch(['get', 'platform-tokens']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ +ID +\| +NAME +\| +CREATED DATE +\| +EXPIRES *$/);
    expect(listed.stdout.split('\n').find((line) => line.includes(id))).toMatch(new RegExp(`\\| cli ${run} +\\| `));
    expect(listed.stdout).not.toContain('dsp_');

    const refused = await dispatch(['get', 'platform-tokens', '--token', service.tokens.admin]);
    expect(refused.stderr.trim()).toMatch(/^\[Code: 403\] role admin may not GET \/v1\/platform\/token/);

    const deleted = await dispatch(['delete', 'platform-token', id, '-o', 'json']);
    expect(JSON.parse(deleted.stdout)).toEqual({ id, deleted: true });
    expect((await callWith(token, 'GET', '/v1/org')).status).toBe(401);
  });

  it('create token --expires-in, get tokens shows the expiry, delete token revokes it', async () => {
    const made = await dispatch(['create', 'token', 'weekly job', '--role', 'viewer', '--expires-in', '7d']);
    expect(made.code, made.stderr).toBe(0);
    const token = made.stdout.trim();
    const id = /\(id ([0-9a-f-]{36})\)/.exec(made.stderr)?.[1] ?? '';
    expect(made.stderr).toMatch(/, expiring \d{4}-\d{2}-\d{2}T/);
    const listed = await dispatch(['get', 'tokens']);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ +ID +\| +NAME +\| +ROLE +\| +CREATED DATE +\| +EXPIRES *$/);
    const row = listed.stdout.split('\n').find((line) => line.includes(id)) ?? '';
    expect(row).toMatch(/\| weekly job +\| viewer +\| .+ \| \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d/);
    expect(listed.stdout).toMatch(/\| never *$/m); // the test's own tokens never expire

    const deleted = await dispatch(['delete', 'token', id]);
    expect(deleted.stdout.trim()).toBe(`Deleted token: ${id}`);
    expect((await callWith(token, 'GET', '/v1/image')).status).toBe(401);
    const again = await dispatch(['delete', 'token', id]);
    expect(again.stderr.trim()).toBe(`[Code: 404] token ${id} not found`);

    const bad = await dispatch(['create', 'token', 'x', '--role', 'viewer', '--expires-in', 'forever']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected a number of days from 1 to 3650, such as 30d; got "forever"');
  });
});

describe('platform tokens', () => {
  type Listed = { id: string; name: string; createdTime: number; expiresAt: string | null };
  const make = async (body: object, token = service.tokens.platform) => {
    const made = await callWith(token, 'POST', '/v1/platform/token', body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as Listed & { token: string };
  };

  it('are made with a platform token, listed without secrets, and revoked at once', async () => {
    const made = await make({ name: `on-call ${run}` });
    expect(Object.keys(made).sort()).toEqual(['createdTime', 'expiresAt', 'id', 'name', 'token']);
    expect(made.expiresAt).toBeNull();
    expect(made.token).toMatch(/^dsp_/);
    expect((await callWith(made.token, 'GET', '/v1/org?limit=1')).status).toBe(200);
    // Still the platform's only: nothing inside an org.
    expect((await callWith(made.token, 'GET', '/v1/image')).status).toBe(403);

    const listed = await allOf<Listed & { token?: string }>('/v1/platform/token');
    const mine = listed.find((t) => t.id === made.id);
    expect(mine).toEqual({ id: made.id, name: made.name, createdTime: made.createdTime, expiresAt: null });
    expect(listed.every((t) => t.token === undefined && !('role' in t) && !('org' in t))).toBe(true);
    // An org's tokens are not among them, nor the platform's among the org's.
    const orgTokens = ((await service.call('GET', '/v1/token')).body as Listed[]).map((t) => t.id);
    expect(orgTokens).not.toContain(made.id);
    expect(listed.filter((t) => orgTokens.includes(t.id))).toEqual([]);

    expect(await callWith(made.token, 'DELETE', `/v1/platform/token/${made.id}`)).toEqual({
      status: 200,
      body: { id: made.id, deleted: true },
    });
    expect(await callWith(made.token, 'GET', '/v1/org')).toEqual({
      status: 401,
      body: { code: 401, message: 'invalid bearer token' },
    });
    expect(await asPlatform('DELETE', `/v1/platform/token/${made.id}`)).toEqual({
      status: 404,
      body: { code: 404, message: `platform token ${made.id} not found` },
    });
  });

  it('never outlive the platform token that made them', async () => {
    const short = await make({ name: 'one day', expiresInDays: 1 });
    const longer = await make({ name: 'asks for a year', expiresInDays: 365 }, short.token);
    expect(longer.expiresAt).toBe(short.expiresAt);
    const unbounded = await make({ name: 'asks for never' }, short.token);
    expect(unbounded.expiresAt).toBe(short.expiresAt);
    for (const t of [short, longer, unbounded]) await asPlatform('DELETE', `/v1/platform/token/${t.id}`);
  });

  it('refuse org tokens and bad input with the resource and the field named, changing nothing', async () => {
    for (const token of [service.tokens.admin, service.tokens.viewer]) {
      const refused = await callWith(token, 'POST', '/v1/platform/token', { name: 'sneaky' });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/may not POST \/v1\/platform\/token \(allowed: platform\)/);
    }
    expect((await asPlatform('POST', '/v1/platform/token', { name: 'x', role: 'admin' })).body.message).toBe(
      'platform token x: body: Unrecognized key: "role"',
    );
    expect((await asPlatform('POST', '/v1/platform/token', { name: 'x', expiresInDays: 0 })).body.message).toBe(
      'platform token x: expiresInDays: must be at least 1',
    );
    expect((await asPlatform('DELETE', '/v1/platform/token/not-a-uuid')).status).toBe(400);
    const names = (await allOf<Listed>('/v1/platform/token')).map((t) => t.name);
    expect(names).not.toContain('sneaky');
    expect(names).not.toContain('x');
  });

  it('keep one valid for a day: deleting the last is refused, so the platform is never locked out', async () => {
    // In a transaction rolled back at the end: the platform tokens of every other test stay untouched.
    const mine = await make({ name: `last ${run}` });
    await service.database.db
      .transaction(async (tx) => {
        await tx.delete(apiTokens).where(and(isNull(apiTokens.org), ne(apiTokens.id, mine.id)));
        expect(await deletePlatformToken(tx, mine.id)).toBe('last');
        // An expired one is no successor.
        const expired = await createPlatformToken(tx, 'expired');
        await tx
          .update(apiTokens)
          .set({ expiresAt: sql`now() - interval '1 day'` })
          .where(eq(apiTokens.id, expired.id));
        expect(await deletePlatformToken(tx, mine.id)).toBe('last');
        // Nor one expiring within the day: the platform would be locked out an hour later.
        const soon = await createPlatformToken(tx, 'expiring soon');
        await tx
          .update(apiTokens)
          .set({ expiresAt: sql`now() + interval '1 hour'` })
          .where(eq(apiTokens.id, soon.id));
        expect(await deletePlatformToken(tx, mine.id)).toBe('last');
        const successor = await createPlatformToken(tx, 'successor');
        expect(await deletePlatformToken(tx, mine.id)).toBe('deleted');
        expect(await deletePlatformToken(tx, successor.id)).toBe('last');
        tx.rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof TransactionRollbackError)) throw err;
      });
    expect((await asPlatform('DELETE', `/v1/platform/token/${mine.id}`)).status).toBe(200);
  });
});

describe('tokens made with tokens', () => {
  it('never outlive the admin token that made them', async () => {
    const org = await openOrg('short-lived-admin', { expiresInDays: 1 });
    const made = await callWith(org.token, 'POST', '/v1/token', { name: 'forever', role: 'admin' });
    expect(made.status).toBe(201);
    const [creator] = await service.database.db
      .select({ expiresAt: apiTokens.expiresAt })
      .from(apiTokens)
      .where(eq(apiTokens.org, org.name))
      .orderBy(apiTokens.createdAt)
      .limit(1);
    expect(made.body.expiresAt).toBe(creator!.expiresAt!.toISOString());
  });

  it('are refused when the admin token went away while the request body was still arriving', async () => {
    const org = await openOrg('slow-body');
    let finish!: () => void;
    const released = new Promise<void>((resolve) => (finish = resolve));
    const json = new TextEncoder().encode(JSON.stringify({ name: 'minted late', role: 'admin' }));
    // The body's first byte once the server reads it (after the token was checked), the rest once the test has
    // deleted the org (and with it the token). No queue ahead of the reader: highWaterMark 0.
    let reading!: () => void;
    const bodyRead = new Promise<void>((resolve) => (reading = resolve));
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (pulls++ === 0) {
            reading();
            controller.enqueue(json.slice(0, 1));
            return;
          }
          await released;
          controller.enqueue(json.slice(1));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const answer = service.app.request('/v1/token', {
      method: 'POST',
      headers: { Authorization: `Bearer ${org.token}`, 'Content-Type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    await bodyRead;
    expect((await asPlatform('DELETE', `/v1/org/${org.name}`)).status).toBe(200);
    // Someone else opens an org of the same name before the slow body ends.
    expect((await asPlatform('POST', '/v1/org', { name: org.name })).status).toBe(201);
    finish();
    const response = await answer;
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 401, message: 'invalid bearer token' });
    const tokens = await service.database.db.select().from(apiTokens).where(eq(apiTokens.org, org.name));
    expect(tokens.map((t) => t.name)).not.toContain('minted late');
  });
});
