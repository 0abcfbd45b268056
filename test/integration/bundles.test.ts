import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBaseImages, seedImagesWith } from '../helpers/seed-bundles.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { settledBaseImage, settledImage } from '../helpers/wait.js';

// The seed's images.yaml with the manifest inlined (the CLI inlines '@requirements.txt').
const seedImages = seedImagesWith('"six==1.16.0\\n"');

describe('bundles', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.close());

  const post = (operation: string, yaml: string) =>
    service.call('POST', `/v1/bundle?operation=${operation}`, yaml, { 'Content-Type': 'application/yaml' });
  const names = async (kind: 'baseimage' | 'image') =>
    ((await service.call('GET', `/v1/${kind}`)).body as { name: string }[]).map((r) => r.name);

  it.each([
    ['malformed YAML', 'kind: Image\nname: [unclosed\n', /^bundle document 0: invalid YAML/],
    ['an unknown kind', 'kind: Function\nname: f\n', /^bundle document 0: kind: must be one of BaseImage, Image/],
    ['an invalid name', 'kind: Image\nname: "bad name"\nbaseImageName: b\n', /^bundle document 0: name: must start/],
    [
      'an unknown field',
      `${seedBaseImages()}---\nkind: Image\nname: x\nbaseImageName: my-python-base\nmanifest: six\n`,
      /^bundle document 1 \(Image x\): body: Unrecognized key: "manifest"/,
    ],
    [
      'one bad document among good ones',
      `${seedImages}---\n${seedBaseImages()}---\nkind: BaseImage\nname: broken\ndockerUrl: "not a reference"\nlanguage: python3\n`,
      /^bundle document 2 \(BaseImage broken\): dockerUrl: is not a valid Docker image reference/,
    ],
    [
      "a manifest still naming '@requirements.txt'",
      `${seedBaseImages()}---\nkind: Image\nname: y\nbaseImageName: my-python-base\nruntimeDependencies:\n  manifest: '@requirements.txt'\n`,
      /^bundle document 1 \(Image y\): runtimeDependencies.manifest: '@requirements.txt' names a file/,
    ],
    [
      'the same resource twice',
      `${seedBaseImages()}---\n${seedBaseImages()}`,
      /^bundle document 1 \(BaseImage my-python-base\): BaseImage my-python-base appears twice/,
    ],
  ])('refuses %s with a 400 naming the document, and writes nothing', async (_case, yaml, message) => {
    const answer = await post('create', yaml);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
    expect(await names('baseimage')).toEqual([]);
    expect(await names('image')).toEqual([]);
  });

  it('refuses bundles over 1 MiB with 413', async () => {
    const answer = await post('create', `${seedBaseImages()}# ${'x'.repeat(1024 * 1024)}\n`);
    expect(answer.status).toBe(413);
    expect(await names('baseimage')).toEqual([]);
  });

  it("creates the seed's documents in any order: the image waits for its base image and ends READY", async () => {
    const answer = await post('create', `${seedImages}---\n${seedBaseImages()}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      operation: 'create',
      results: [
        { index: 0, kind: 'Image', name: 'my-pandas', result: 'created', status: 'INITIALIZED' },
        { index: 1, kind: 'BaseImage', name: 'my-python-base', result: 'created', status: 'INITIALIZED' },
      ],
    });
    expect((await settledBaseImage(service, 'my-python-base')).status).toBe('READY');
    const image = await settledImage(service, 'my-pandas');
    expect(image).toMatchObject({ status: 'READY', tags: [{ key: 'role', value: 'docs' }] });
  });

  it('create refuses a bundle naming an existing resource, and writes none of it', async () => {
    const answer = await post('create', `kind: Image\nname: other\nbaseImageName: my-python-base\n---\n${seedImages}`);
    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe('bundle document 1 (Image my-pandas): image my-pandas already exists');
    expect(await names('image')).toEqual(['my-pandas']);
  });

  it('apply leaves unchanged documents alone and updates changed ones', async () => {
    const unchanged = await post('apply', `${seedBaseImages()}---\n${seedImages}`);
    expect(unchanged.body.results.map((r: { result: string }) => r.result)).toEqual(['unchanged', 'unchanged']);
    const changed = await post('apply', seedImages.replace('six==1.16.0', 'six==1.15.0'));
    expect(changed.body.results).toEqual([
      { index: 0, kind: 'Image', name: 'my-pandas', result: 'updated', status: 'UPDATING' },
    ]);
    expect((await settledImage(service, 'my-pandas')).status).toBe('READY');
  });

  it('delete removes images before their base images, whatever the order of documents', async () => {
    const answer = await post('delete', `${seedBaseImages()}---\n${seedImages}`);
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: { result: string }) => r.result)).toEqual(['deleted', 'deleted']);
    expect(await names('baseimage')).toEqual([]);
    expect(await names('image')).toEqual([]);
  });
});
