import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';

// Refusals of the image API: a clear {code, message} naming the resource and field, and nothing written.
// No worker runs here: nothing needs a build to make progress.
describe('image API errors', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ worker: false });
    const base = { dockerUrl: '127.0.0.1:5000/dispatch-test/never-pulled:1' };
    await service.call('POST', '/v1/baseimage', { ...base, name: 'py', language: 'python3' });
    await service.call('POST', '/v1/baseimage', { ...base, name: 'node', language: 'nodejs' });
  });
  afterAll(() => service.close());

  const expectNoImages = async () => expect((await service.call('GET', '/v1/image')).body).toEqual([]);

  it.each([
    [
      'an unknown base image',
      { name: 'x', baseImageName: 'nope' },
      'image x: baseImageName: base image nope not found',
    ],
    [
      'a package name that is shell text',
      { name: 'x', baseImageName: 'py', systemDependencies: { packages: [{ name: 'curl; rm -rf /' }] } },
      'image x: systemDependencies.packages.0.name: must start with a letter or digit',
    ],
    [
      'a package version with spaces',
      { name: 'x', baseImageName: 'py', systemDependencies: { packages: [{ name: 'curl', version: '1 2' }] } },
      'image x: systemDependencies.packages.0.version: must start with a letter or digit',
    ],
    [
      'a package.json that is not JSON',
      { name: 'x', baseImageName: 'node', runtimeDependencies: { manifest: '{"dependencies": ' } },
      'image x: runtimeDependencies.manifest: is not valid JSON (package.json)',
    ],
    [
      'an unknown field',
      { name: 'x', baseImageName: 'py', runtimeDeps: 'six' },
      'image x: body: Unrecognized key: "runtimeDeps"',
    ],
    ['no base image', { name: 'x' }, 'image x: baseImageName: is required'],
  ])('POST with %s answers 400 naming the field and writes nothing', async (_case, body, message) => {
    const answer = await service.call('POST', '/v1/image', body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(message);
    await expectNoImages();
  });

  it('copies the language from the base image and ignores server-set fields in the body', async () => {
    const answer = await service.call('POST', '/v1/image', {
      name: 'fn',
      baseImageName: 'py',
      language: 'nodejs',
      dockerUrl: 'evil/override:1',
      status: 'READY',
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ language: 'python3', dockerUrl: null, status: 'INITIALIZED' });
  });

  it('answers 409 for a second image of the same name', async () => {
    const again = await service.call('POST', '/v1/image', { name: 'fn', baseImageName: 'py' });
    expect(again).toMatchObject({ status: 409, body: { code: 409, message: 'image fn already exists' } });
  });

  it('has no catalog and no logs before a build succeeded', async () => {
    const catalog = await service.call('GET', '/v1/image/fn/catalog');
    expect(catalog.status).toBe(404);
    expect(catalog.body.message).toMatch(/^image fn has no catalog yet/);
    expect((await service.call('GET', '/v1/image/fn/builds')).body).toEqual([]);
  });

  it.each([['GET'], ['DELETE'], ['PUT']])('%s of an unknown image answers 404 naming it', async (method) => {
    const body = method === 'PUT' ? { baseImageName: 'py' } : undefined;
    const answer = await service.call(method, '/v1/image/nothing-here', body);
    expect(answer).toMatchObject({ status: 404, body: { message: 'image nothing-here not found' } });
  });

  it('PUT onto an unknown base image answers 400 and keeps the image as it was', async () => {
    const answer = await service.call('PUT', '/v1/image/fn', { baseImageName: 'nope' });
    expect(answer.status).toBe(400);
    expect((await service.call('GET', '/v1/image/fn')).body).toMatchObject({
      baseImageName: 'py',
      status: 'INITIALIZED',
    });
  });

  it('refuses to delete a base image that images use, naming them', async () => {
    const answer = await service.call('DELETE', '/v1/baseimage/py');
    expect(answer).toMatchObject({
      status: 409,
      body: { message: 'base image py is used by images fn: delete or move them first' },
    });
    expect((await service.call('GET', '/v1/baseimage/py')).status).toBe(200);
  });

  it('lists images with filters, and DELETE answers DELETED and frees the base image', async () => {
    await service.call('POST', '/v1/image', {
      name: 'tagged',
      baseImageName: 'node',
      tags: [{ key: 'team', value: 'a' }],
    });
    const names = async (query: string) =>
      ((await service.call('GET', `/v1/image${query}`)).body as { name: string }[]).map((i) => i.name);
    expect(await names('')).toEqual(['fn', 'tagged']);
    expect(await names('?tag=team=a')).toEqual(['tagged']);
    expect(await names('?language=python3')).toEqual(['fn']);
    expect(await names('?baseImageName=node')).toEqual(['tagged']);

    const deleted = await service.call('DELETE', '/v1/image/fn');
    expect(deleted).toMatchObject({ status: 200, body: { name: 'fn', status: 'DELETED' } });
    expect((await service.call('DELETE', '/v1/baseimage/py')).status).toBe(200);
  });
});
