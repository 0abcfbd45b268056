import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../db/schema.js';
import { startTestService, type TestService } from '../helpers/service.js';

const baseImage = { name: 'b', dockerUrl: '127.0.0.1:5000/dispatch-test/never-pulled:1', language: 'python3' };
const image = { name: 'i', baseImageName: 'b' };
const bundle = 'kind: Image\nname: i2\nbaseImageName: b\n';
/** Created paused, so it never fires by itself; the trigger row starts one run of it. */
const schedule = (name: string) => ({ name, cron: '0 3 * * *', selector: { all: true }, paused: true });
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

type Request = { path: string; body?: unknown };
/**
 * One endpoint, and what each role gets from it: the exact status of every role allowed to call it (the request is
 * built so that its outcome is known without a worker: a 404 is named as such), 403 for every other role.
 * Requests that change something take the role in their path or body, so each role acts on a resource of its own.
 */
type Row = { method: string; request: (role: Role) => Request; allowed: Partial<Record<Role, number>> };

const ROLES = ['admin', 'developer', 'viewer', 'platform'] as const;
const readers = (status: number) => ({ admin: status, developer: status, viewer: status });
const developers = (status: number) => ({ admin: status, developer: status });
const admins = (status: number) => ({ admin: status });
/** The platform admin alone: organizations, and nothing inside one. */
const platform = (status: number) => ({ platform: status });
const at = (path: string, body?: unknown) => () => ({ path, body });

// Ids created in beforeAll (until then, what the test names show), read by the rows when they run.
const ids = { rebuild: '{rebuildId}', token: '{tokenId}', platformToken: '{platformTokenId}' };
// Organizations are named service-wide, and the tests' database outlives a run: names of this run's own.
const run = randomUUID().slice(0, 8);
const newOrg = (role: Role) => `roles-${run}-new-${role}`;
const doomedOrg = `roles-${run}-doomed`;

// Every operation of the API (a test below checks that against /openapi.json), in an order where each row finds
// what it needs: e.g. the schedule is unpaused before it is paused again, so it ends paused.
const matrix: Row[] = [
  { method: 'GET', request: at('/v1/baseimage'), allowed: readers(200) },
  { method: 'GET', request: at('/v1/baseimage/b'), allowed: readers(200) },
  {
    method: 'POST',
    request: (role) => ({ path: '/v1/baseimage', body: { ...baseImage, name: `new-base-${role}` } }),
    allowed: admins(201),
  },
  { method: 'PUT', request: at('/v1/baseimage/b', baseImage), allowed: admins(200) },
  { method: 'DELETE', request: at('/v1/baseimage/unused'), allowed: admins(200) },
  { method: 'GET', request: at('/v1/image'), allowed: readers(200) },
  { method: 'GET', request: at('/v1/image/i'), allowed: readers(200) },
  // Never built: nothing to list yet, which is a 404 of its own, not a refusal.
  { method: 'GET', request: at('/v1/image/i/catalog'), allowed: readers(404) },
  { method: 'GET', request: at('/v1/image/i/builds'), allowed: readers(200) },
  { method: 'GET', request: at('/v1/image/i/logs'), allowed: readers(404) },
  { method: 'GET', request: at(`/v1/image/i/builds/${MISSING_ID}/logs`), allowed: readers(404) },
  // Never built: no SBOM yet, a 404 of its own.
  { method: 'GET', request: at('/v1/image/i/sbom'), allowed: readers(404) },
  { method: 'GET', request: at('/v1/packages?name=openssl'), allowed: readers(200) },
  {
    method: 'POST',
    request: (role) => ({ path: '/v1/image', body: { ...image, name: `new-image-${role}` } }),
    allowed: developers(201),
  },
  { method: 'PUT', request: at('/v1/image/i', image), allowed: developers(200) },
  { method: 'DELETE', request: (role) => ({ path: `/v1/image/doomed-${role}` }), allowed: developers(200) },
  { method: 'POST', request: at('/v1/bundle?operation=apply', bundle), allowed: developers(200) },
  { method: 'GET', request: at('/v1/token'), allowed: admins(200) },
  { method: 'POST', request: at('/v1/token', { name: 'ci', role: 'viewer' }), allowed: admins(201) },
  { method: 'DELETE', request: () => ({ path: `/v1/token/${ids.token}` }), allowed: admins(200) },
  { method: 'GET', request: at('/v1/org'), allowed: platform(200) },
  { method: 'GET', request: at(`/v1/org/${doomedOrg}`), allowed: platform(200) },
  { method: 'POST', request: (role) => ({ path: '/v1/org', body: { name: newOrg(role) } }), allowed: platform(201) },
  { method: 'DELETE', request: at(`/v1/org/${doomedOrg}`), allowed: platform(200) },
  { method: 'GET', request: at('/v1/platform/token'), allowed: platform(200) },
  { method: 'POST', request: at('/v1/platform/token', { name: 'roles' }), allowed: platform(201) },
  {
    method: 'DELETE',
    request: () => ({ path: `/v1/platform/token/${ids.platformToken}` }),
    allowed: platform(200),
  },
  // Not a dry run: answered (202) as soon as the workflow is started, worker or not.
  { method: 'POST', request: at('/v1/rebuilds', { selector: { all: true } }), allowed: developers(202) },
  { method: 'GET', request: at('/v1/rebuilds'), allowed: readers(200) },
  { method: 'GET', request: () => ({ path: `/v1/rebuilds/${ids.rebuild}` }), allowed: readers(200) },
  { method: 'GET', request: at(`/v1/rebuilds/${MISSING_ID}`), allowed: readers(404) },
  {
    method: 'POST',
    request: (role) => ({ path: '/v1/rebuildschedules', body: schedule(`new-${role}`) }),
    allowed: developers(201),
  },
  { method: 'GET', request: at('/v1/rebuildschedules'), allowed: readers(200) },
  { method: 'GET', request: at('/v1/rebuildschedules/nightly'), allowed: readers(200) },
  { method: 'GET', request: at('/v1/rebuildschedules/missing'), allowed: readers(404) },
  { method: 'POST', request: at('/v1/rebuildschedules/nightly/unpause'), allowed: developers(200) },
  { method: 'POST', request: at('/v1/rebuildschedules/nightly/pause'), allowed: developers(200) },
  { method: 'POST', request: at('/v1/rebuildschedules/nightly/trigger'), allowed: developers(200) },
  { method: 'POST', request: at('/v1/rebuildschedules/missing/trigger'), allowed: developers(404) },
  { method: 'DELETE', request: (role) => ({ path: `/v1/rebuildschedules/doomed-${role}` }), allowed: developers(200) },
];

describe('roles', () => {
  let service: TestService;
  const scheduleNames = ['nightly', ...ROLES.flatMap((role) => [`new-${role}`, `doomed-${role}`])];

  beforeAll(async () => {
    service = await startTestService({ worker: false });
    const setUp = async (method: string, path: string, body: unknown, status: number) => {
      const answer = await service.call(method, path, body);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
      return answer.body as Record<string, string>;
    };
    await setUp('POST', '/v1/baseimage', baseImage, 201);
    await setUp('POST', '/v1/baseimage', { ...baseImage, name: 'unused' }, 201);
    await setUp('POST', '/v1/image', image, 201);
    for (const role of ROLES) {
      await setUp('POST', '/v1/image', { ...image, name: `doomed-${role}` }, 201);
      await setUp('POST', '/v1/rebuildschedules', schedule(`doomed-${role}`), 201);
    }
    await setUp('POST', '/v1/rebuildschedules', schedule('nightly'), 201);
    ids.rebuild = (await setUp('POST', '/v1/rebuilds', { selector: { all: true } }, 202)).id!;
    ids.token = (await setUp('POST', '/v1/token', { name: 'doomed', role: 'viewer' }, 201)).id!;
    expect((await service.callAs('platform', 'POST', '/v1/org', { name: doomedOrg })).status).toBe(201);
    const doomedPlatformToken = await service.callAs('platform', 'POST', '/v1/platform/token', { name: 'doomed' });
    expect(doomedPlatformToken.status).toBe(201);
    ids.platformToken = doomedPlatformToken.body.id as string;
  });

  afterAll(async () => {
    if (!service) return;
    await service.callAs('platform', 'DELETE', `/v1/org/${newOrg('platform')}`);
    // Temporal schedules outlive the test service on the dev server: remove every one this test made.
    const { schedule: schedules } = service.temporal;
    for (const name of scheduleNames) {
      await schedules
        .getHandle(`rebuild-schedule/${service.org}/${name}`)
        .delete()
        .catch(() => undefined);
    }
    // The rebuilds (started and triggered) would wait forever for a worker: stop them by id, then the rest (close).
    const { body: rebuilds } = await service.call('GET', '/v1/rebuilds');
    const workflowIds = [
      `rebuild/${service.org}/schedule-nightly`,
      ...(rebuilds as Array<{ id: string }>).map((r) => `rebuild/${service.org}/${r.id}`),
    ];
    for (const workflowId of workflowIds) {
      await service.temporal.workflow
        .getHandle(workflowId)
        .terminate('roles test finished')
        .catch(() => undefined);
    }
    await service.close();
  });

  const headersFor = (body: unknown): Record<string, string> =>
    typeof body === 'string' ? { 'Content-Type': 'application/yaml' } : {};

  it('has a row for every /v1 operation the API serves', async () => {
    const document = (await (await service.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, item]) => Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })));
    const operationOf = (method: string, concrete: string) =>
      operations.find(
        (op) =>
          op.method === method &&
          new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(concrete.replace(/\?.*$/, '')),
      );
    const covered = matrix.map((row) => {
      const op = operationOf(row.method, row.request('admin').path);
      return op ? `${op.method} ${op.path}` : `${row.method} ${row.request('admin').path} (no such operation)`;
    });
    expect(operations.length).toBeGreaterThan(0);
    expect([...new Set(covered)].sort()).toEqual(operations.map((op) => `${op.method} ${op.path}`).sort());
  });

  for (const row of matrix) {
    const { method } = row;
    for (const role of ROLES) {
      const expected = row.allowed[role] ?? 403;
      it(`${role} ${method} ${row.request(role).path}: ${expected}`, async () => {
        const { path, body } = row.request(role);
        const answer = await service.callAs(role, method, path, body, headersFor(body));
        expect(answer.status, JSON.stringify(answer.body)).toBe(expected);
        if (expected === 403) expect(answer.body.message).toContain(`role ${role} may not ${method}`);
      });
    }

    it(`${method} ${row.request('admin').path} without a token answers 401`, async () => {
      const response = await service.app.request(row.request('admin').path, { method });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        code: 401,
        message: 'missing bearer token: send the header Authorization: Bearer <token>',
      });
    });
  }

  it('left the allowed changes in place, and none of the refused ones', async () => {
    const names = async (path: string) =>
      ((await service.call('GET', path)).body as Array<{ name: string }>).map((r) => r.name);
    expect(await names('/v1/baseimage')).toEqual(expect.arrayContaining(['new-base-admin']));
    expect(await names('/v1/baseimage')).not.toContain('new-base-developer');
    expect(await names('/v1/baseimage')).not.toContain('unused');
    const images = await names('/v1/image');
    expect(images).toEqual(expect.arrayContaining(['new-image-admin', 'new-image-developer', 'i2']));
    expect(images).not.toContain('new-image-viewer');
    expect(images).not.toContain('doomed-admin');
    expect(images).not.toContain('doomed-developer');
    expect(images).toContain('doomed-viewer');
    const schedules = await names('/v1/rebuildschedules');
    expect(schedules).toEqual(expect.arrayContaining(['nightly', 'new-admin', 'new-developer', 'doomed-viewer']));
    expect(schedules).not.toContain('new-viewer');
    expect(schedules).not.toContain('doomed-admin');
    const nightly = await service.call('GET', '/v1/rebuildschedules/nightly');
    expect(nightly.body.paused).toBe(true);
    // Asked by name: the tests' database outlives runs, so this run's orgs need not be on any one page of the list.
    const orgStatus = async (name: string) => (await service.callAs('platform', 'GET', `/v1/org/${name}`)).status;
    expect(await orgStatus(newOrg('platform'))).toBe(200);
    for (const role of ROLES.filter((r) => r !== 'platform')) expect(await orgStatus(newOrg(role))).toBe(404);
    expect(await orgStatus(doomedOrg)).toBe(404);
  });

  it("tells an org token that organizations are the platform admin token's, and the platform token the reverse", async () => {
    const refused = await service.call('GET', '/v1/org');
    expect(refused.body.message).toBe(
      'role admin may not GET /v1/org (allowed: platform): organizations and platform tokens are managed with the platform admin token only',
    );
    const inside = await service.callAs('platform', 'GET', '/v1/image');
    expect(inside.body.message).toBe(
      'role platform may not GET /v1/image (allowed: admin, developer, viewer): the platform admin token manages organizations and platform tokens only; use a token of the org',
    );
  });

  it('refuses an unknown token with 401', async () => {
    const response = await service.app.request('/v1/image', { headers: { Authorization: 'Bearer dsp_not-a-token' } });
    expect(response.status).toBe(401);
  });

  it('a developer may not write base images inside a bundle either', async () => {
    const answer = await service.callAs(
      'developer',
      'POST',
      '/v1/bundle?operation=create',
      `kind: BaseImage\nname: sneaky\ndockerUrl: x/y:1\nlanguage: python3\n`,
      {
        'Content-Type': 'application/yaml',
      },
    );
    expect(answer.status).toBe(403);
    expect(answer.body.message).toContain('document 0 (BaseImage sneaky)');
    expect((await service.call('GET', '/v1/baseimage/sneaky')).status).toBe(404);
  });

  it('an admin hands out a token that works, lists it without its secret, and revokes it', async () => {
    const created = await service.call('POST', '/v1/token', { name: 'ci reader', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^dsp_/);
    const listed = (await service.call('GET', '/v1/token')).body as Array<Record<string, unknown>>;
    expect(listed.find((t) => t.id === created.body.id)).toEqual({
      id: created.body.id,
      name: 'ci reader',
      role: 'viewer',
      createdTime: expect.any(Number),
      expiresAt: null,
    });
    const asReader = () =>
      service.app.request('/v1/image', { headers: { Authorization: `Bearer ${created.body.token}` } });
    expect((await asReader()).status).toBe(200);
    expect((await service.call('DELETE', `/v1/token/${created.body.id}`)).status).toBe(200);
    expect((await asReader()).status).toBe(401);
  });
});
