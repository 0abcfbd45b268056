import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../db/schema.js';
import { startTestService, type TestService } from '../helpers/service.js';

const baseImage = { name: 'b', dockerUrl: '127.0.0.1:5000/dispatch-test/never-pulled:1', language: 'python3' };
const image = { name: 'i', baseImageName: 'b' };
const bundle = 'kind: Image\nname: i2\nbaseImageName: b\n';

// Every endpoint, and who may call it. "allowed" means the request got past authorization (it may still be a
// 404 or 400 of its own); "forbidden" is a 403. No worker: authorization does not need builds.
const matrix: Array<[method: string, path: string, body: unknown, allowed: Role[]]> = [
  ['GET', '/v1/baseimage', undefined, ['admin', 'developer', 'viewer']],
  ['GET', '/v1/baseimage/b', undefined, ['admin', 'developer', 'viewer']],
  ['POST', '/v1/baseimage', { ...baseImage, name: 'new-base' }, ['admin']],
  ['PUT', '/v1/baseimage/b', baseImage, ['admin']],
  ['DELETE', '/v1/baseimage/unused', undefined, ['admin']],
  ['GET', '/v1/image', undefined, ['admin', 'developer', 'viewer']],
  ['GET', '/v1/image/i', undefined, ['admin', 'developer', 'viewer']],
  ['GET', '/v1/image/i/catalog', undefined, ['admin', 'developer', 'viewer']],
  ['GET', '/v1/image/i/builds', undefined, ['admin', 'developer', 'viewer']],
  ['GET', '/v1/image/i/logs', undefined, ['admin', 'developer', 'viewer']],
  ['POST', '/v1/image', { ...image, name: 'new-image' }, ['admin', 'developer']],
  ['PUT', '/v1/image/i', image, ['admin', 'developer']],
  ['DELETE', '/v1/image/gone', undefined, ['admin', 'developer']],
  ['POST', '/v1/bundle?operation=apply', bundle, ['admin', 'developer']],
  ['GET', '/v1/token', undefined, ['admin']],
  ['POST', '/v1/token', { name: 'ci', role: 'viewer' }, ['admin']],
  ['DELETE', '/v1/token/00000000-0000-0000-0000-000000000000', undefined, ['admin']],
];

describe('roles', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ worker: false });
    await service.call('POST', '/v1/baseimage', baseImage);
    await service.call('POST', '/v1/image', image);
  });
  afterAll(() => service.close());

  const headersFor = (body: unknown): Record<string, string> =>
    typeof body === 'string' ? { 'Content-Type': 'application/yaml' } : {};

  for (const [method, path, body, allowed] of matrix) {
    for (const role of ['admin', 'developer', 'viewer'] as const) {
      const expected = allowed.includes(role) ? 'allowed' : 'forbidden';
      it(`${role} ${method} ${path}: ${expected}`, async () => {
        const answer = await service.callAs(role, method, path, body, headersFor(body));
        if (expected === 'forbidden') {
          expect(answer.status).toBe(403);
          expect(answer.body.message).toContain(`role ${role} may not ${method}`);
        } else {
          expect([401, 403]).not.toContain(answer.status);
        }
      });
    }

    it(`${method} ${path} without a token answers 401`, async () => {
      const response = await service.app.request(path, { method });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        code: 401,
        message: 'missing bearer token: send the header Authorization: Bearer <token>',
      });
    });
  }

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
    });
    const asReader = () =>
      service.app.request('/v1/image', { headers: { Authorization: `Bearer ${created.body.token}` } });
    expect((await asReader()).status).toBe(200);
    expect((await service.call('DELETE', `/v1/token/${created.body.id}`)).status).toBe(200);
    expect((await asReader()).status).toBe(401);
  });
});
