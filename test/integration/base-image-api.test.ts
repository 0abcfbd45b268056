import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';

const valid = { name: 'py', dockerUrl: '127.0.0.1:5000/dispatch-test/never-pulled:1', language: 'python3' };

// Every endpoint's refusals: a clear {code, message} naming the resource and field, and nothing written.
// These tests run without a worker: nothing here needs the workflow to make progress.
describe('base image API errors', () => {
  let service: TestService;
  let other: TestService;
  beforeAll(async () => {
    service = await startTestService({ worker: false });
    other = await startTestService({ worker: false });
  });
  afterAll(async () => {
    await service.close();
    await other.close();
  });

  const expectNothingWritten = async () => expect((await service.call('GET', '/v1/baseimage')).body).toEqual([]);

  it.each([
    [
      'a name with a space',
      { ...valid, name: 'bad name' },
      /base image bad name: name: must start with a letter or digit/,
    ],
    ['a missing dockerUrl', { name: 'py', language: 'python3' }, /base image py: dockerUrl: is required/],
    [
      'an invalid dockerUrl',
      { ...valid, dockerUrl: 'UPPER/Case::x' },
      /dockerUrl: is not a valid Docker image reference/,
    ],
    [
      // Any language name is taken (a base image with its own template may declare any); a non-name is not.
      'a language that is not a language name',
      { ...valid, language: 'Py thon!' },
      /language: must be a language name such as python3, nodejs or java/,
    ],
    ['an unknown field', { ...valid, dockerURL: 'x' }, /base image py: .*dockerURL/],
    [
      'a malformed tag',
      { ...valid, tags: [{ key: '' }] },
      /tags\.0\.key: must not be empty; tags\.0\.value: is required/,
    ],
  ])('POST with %s answers 400 naming the field and writes nothing', async (_case, body, message) => {
    const answer = await service.call('POST', '/v1/baseimage', body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(400);
    expect(answer.body.message).toMatch(message);
    await expectNothingWritten();
  });

  it('a method a path does not declare answers 405 with Allow, and an unknown path 404', async () => {
    for (const [method, path, allow] of [
      ['PATCH', '/v1/baseimage/py', 'GET, PUT, DELETE, HEAD'],
      ['DELETE', '/v1/baseimage', 'POST, GET, HEAD'],
      ['PUT', '/v1/rebuildschedules/x/pause', 'POST'],
      ['POST', '/openapi.json', 'GET, HEAD'],
    ]) {
      const answer = await service.app.request(path!, {
        method,
        headers: { Authorization: `Bearer ${service.tokens.admin}` },
      });
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.headers.get('allow')?.split(', ').sort()).toEqual(allow!.split(', ').sort());
      expect(await answer.json()).toMatchObject({ code: 405, message: expect.stringContaining(method!) });
    }
    expect((await service.call('GET', '/v1/nothing-here')).status).toBe(404);
    await expectNothingWritten();
  });

  it('refuses bodies built to cost memory or stack with 400, never a 500', async () => {
    const yaml = { 'Content-Type': 'application/yaml' };
    const big = 'x'.repeat(100_000);
    const cases: Array<[string, Record<string, string>]> = [
      // An alias would be copied again for every use when handed on; a body needs none.
      [`name: &a "${big}"\ndockerUrl: 127.0.0.1:5000/x/y:1\nlanguage: python3\ntags: [*a, *a, *a]\n`, yaml],
      ['&a [ *a ]\n', yaml],
      ['['.repeat(200_000) + ']'.repeat(200_000), {}],
    ];
    for (const [body, headers] of cases) {
      const answer = await service.call('POST', '/v1/baseimage', body, headers);
      expect(answer.status, body.slice(0, 40)).toBe(400);
      expect(answer.body.message).toMatch(/^base image: request body /);
    }
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(', ')}]`,
      );
    const bundle = await service.call('POST', '/v1/bundle', `kind: BaseImage\nname: b\n${laughs.join('\n')}\n`, yaml);
    expect(bundle.status).toBe(400);
    expect((await service.app.request('/openapiXjson')).status).toBe(404);
    await expectNothingWritten();
  });

  it('POST with a body that is not JSON answers 400', async () => {
    const answer = await service.call('POST', '/v1/baseimage', '{"name": ');
    expect(answer).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/base image: request body is not valid JSON/) },
    });
    await expectNothingWritten();
  });

  it('POST over 1 MiB answers 413 and writes nothing', async () => {
    const answer = await service.call('POST', '/v1/baseimage', { ...valid, padding: 'x'.repeat(1024 * 1024) });
    expect(answer).toMatchObject({ status: 413, body: { code: 413 } });
    await expectNothingWritten();
  });

  it('accepts YAML bodies', async () => {
    const yaml =
      'name: from-yaml\ndockerUrl: 127.0.0.1:5000/dispatch-test/never-pulled:1\nlanguage: python3\ntags:\n  - key: role\n    value: docs\n';
    const answer = await service.call('POST', '/v1/baseimage', yaml, { 'Content-Type': 'application/yaml' });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: 'from-yaml', tags: [{ key: 'role', value: 'docs' }] });
    await service.call('DELETE', '/v1/baseimage/from-yaml');
  });

  it('a second POST of the same name answers 409 and keeps the first', async () => {
    expect((await service.call('POST', '/v1/baseimage', valid)).status).toBe(201);
    const again = await service.call('POST', '/v1/baseimage', { ...valid, dockerUrl: '127.0.0.1:5000/other:2' });
    expect(again).toMatchObject({ status: 409, body: { code: 409, message: 'base image py already exists' } });
    expect((await service.call('GET', '/v1/baseimage/py')).body.dockerUrl).toBe(valid.dockerUrl);
    await service.call('DELETE', '/v1/baseimage/py');
  });

  it.each([
    ['GET', undefined],
    ['PUT', valid],
    ['DELETE', undefined],
  ])('%s of an unknown base image answers 404 naming it', async (method, body) => {
    const answer = await service.call(method, '/v1/baseimage/nothing-here', body);
    expect(answer).toMatchObject({ status: 404, body: { code: 404, message: 'base image nothing-here not found' } });
  });

  it('PUT with invalid fields answers 400 and leaves the stored spec unchanged', async () => {
    await service.call('POST', '/v1/baseimage', valid);
    const answer = await service.call('PUT', '/v1/baseimage/py', { ...valid, language: 'cobol; rm -rf /' });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^base image py: language/);
    expect((await service.call('GET', '/v1/baseimage/py')).body).toMatchObject({
      language: 'python3',
      status: 'INITIALIZED',
    });
  });

  it('takes imageUrl for dockerUrl, and refuses both names with different values', async () => {
    const { dockerUrl, ...rest } = { ...valid, name: 'aliased' };
    const created = await service.call('POST', '/v1/baseimage', { ...rest, imageUrl: dockerUrl });
    expect(created).toMatchObject({ status: 201, body: { dockerUrl: valid.dockerUrl } });
    expect(created.body).not.toHaveProperty('imageUrl');
    const both = await service.call('PUT', '/v1/baseimage/aliased', { ...valid, imageUrl: 'elsewhere/x:1' });
    expect(both).toMatchObject({
      status: 400,
      body: { message: 'base image aliased: imageUrl: is another name for dockerUrl: send one of them' },
    });
    await service.call('DELETE', '/v1/baseimage/aliased');
  });

  it('PUT takes the name from the path, not the body', async () => {
    const answer = await service.call('PUT', '/v1/baseimage/py', { ...valid, name: 'renamed' });
    expect(answer).toMatchObject({ status: 200, body: { name: 'py', status: 'UPDATING' } });
    expect((await service.call('GET', '/v1/baseimage/renamed')).status).toBe(404);
    await service.call('DELETE', '/v1/baseimage/py');
  });

  it('lists filter by tag, status and language, and refuse malformed filters', async () => {
    await service.call('POST', '/v1/baseimage', { ...valid, name: 'a', tags: [{ key: 'role', value: 'docs' }] });
    await service.call('POST', '/v1/baseimage', { ...valid, name: 'b', language: 'nodejs' });
    const names = async (query: string) =>
      ((await service.call('GET', `/v1/baseimage${query}`)).body as { name: string }[]).map((b) => b.name);
    expect(await names('')).toEqual(['a', 'b']);
    expect(await names('?tag=role=docs')).toEqual(['a']);
    expect(await names('?language=nodejs')).toEqual(['b']);
    expect(await names('?status=READY')).toEqual([]);
    expect((await service.call('GET', '/v1/baseimage?tag=nokey')).status).toBe(400);
    expect((await service.call('GET', '/v1/baseimage?status=SLEEPING')).status).toBe(400);
  });

  it('never shows one org the resources of another, and lets it reuse the names', async () => {
    expect((await other.call('GET', '/v1/baseimage')).body).toEqual([]);
    expect((await other.call('GET', '/v1/baseimage/a')).status).toBe(404);
    expect((await other.call('DELETE', '/v1/baseimage/a')).status).toBe(404);
    expect((await other.call('POST', '/v1/baseimage', { ...valid, name: 'a' })).status).toBe(201);
    expect((await service.call('GET', '/v1/baseimage/a')).body.language).toBe('python3');
  });

  it('refuses an org header naming another org than the token', async () => {
    const answer = await service.call('GET', '/v1/baseimage', undefined, { 'X-Dispatch-Org': other.org });
    expect(answer).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining(`cannot act on org ${other.org}`) },
    });
  });

  it('healthz reports Postgres and Temporal', async () => {
    const answer = await service.call('GET', '/healthz');
    expect(answer).toEqual({ status: 200, body: { status: 'ok', postgres: 'ok', temporal: 'ok' } });
  });
});
