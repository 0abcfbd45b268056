import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Validation } from '@cyclonedx/cyclonedx-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SBOM_MEDIA_TYPE, SBOM_SPEC } from '../../api/sbom.js';
import { nodeFixture, pythonFixture } from '../helpers/env.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { hasLocalImage } from '../helpers/registry-images.js';
import { eventually, settledBaseImage, settledImage } from '../helpers/wait.js';

type Package = { ecosystem: string; name: string; version: string };

// A line unique to this run, so the dependency install really runs instead of coming from Docker's layer cache.
const fresh = `# test run ${randomUUID()}\n`;

// The seed's "Adding an Image" walkthrough against real Docker, registry, Postgres, Temporal, PyPI and npm.
describe('images', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await service.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
    await service.call('POST', '/v1/baseimage', { name: 'node', dockerUrl: nodeFixture(), language: 'nodejs' });
  });
  afterAll(() => service.close());

  const catalogOf = async (name: string) =>
    (await service.call('GET', `/v1/image/${name}/catalog`)).body.packages as Package[];

  it('builds a Python image on its base digest, pushes it and catalogs what is installed', async () => {
    const created = await service.call('POST', '/v1/image', {
      name: 'my-six',
      baseImageName: 'py',
      runtimeDependencies: { manifest: `${fresh}six==1.16.0\n` },
      systemDependencies: { packages: [{ name: 'jq' }] },
      tags: [{ key: 'role', value: 'docs' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'Image', language: 'python3', status: 'INITIALIZED', dockerUrl: null });

    const image = await settledImage(service, 'my-six');
    expect(image.reason).toEqual([]);
    expect(image.status).toBe('READY');
    expect(image.dockerUrl).toMatch(/^127\.0\.0\.1:5000\/dispatch\//);
    expect(image.digest).toMatch(/^sha256:/);
    // Pushed: the registry serves the manifest under the recorded digest.
    const repository = String(image.dockerUrl).replace('127.0.0.1:5000/', '').split(':')[0];
    const manifest = await fetch(`http://127.0.0.1:5000/v2/${repository}/manifests/${image.digest}`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(manifest.status).toBe(200);

    const packages = await catalogOf('my-six');
    expect(packages).toContainEqual({ ecosystem: 'pypi', name: 'six', version: '1.16.0' });
    expect(packages).toContainEqual(expect.objectContaining({ ecosystem: 'deb', name: 'jq' }));
    expect(packages).toContainEqual(expect.objectContaining({ ecosystem: 'deb', name: 'python3' }));

    const base = await settledBaseImage(service, 'py');
    const builds = (await service.call('GET', '/v1/image/my-six/builds')).body;
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatchObject({ outcome: 'SUCCEEDED', trigger: 'create', digest: image.digest });
    expect(builds[0].inputs).toMatchObject({ baseImage: 'py', baseDigest: base.digest, template: 'default' });
    expect(builds[0].durationMs).toBeGreaterThan(0);

    const log = await service.app.request('/v1/image/my-six/logs', {
      headers: { Authorization: `Bearer ${service.tokens.viewer}` },
    });
    const text = await log.text();
    expect(text).toContain('==> dispatch: installing runtime dependencies with pip');
    expect(text).toContain('Successfully installed six-1.16.0');
    expect(text).toContain(`==> dispatch: pushed ${image.dockerUrl}@${image.digest}`);
  });

  it('builds a Node image from package.json with npm', async () => {
    const manifest = JSON.stringify({
      name: 'fn',
      version: '1.0.0',
      description: fresh,
      dependencies: { 'is-number': '7.0.0' },
    });
    await service.call('POST', '/v1/image', {
      name: 'my-node',
      baseImageName: 'node',
      runtimeDependencies: { manifest },
    });
    const image = await settledImage(service, 'my-node');
    expect(image.reason).toEqual([]);
    expect(image.status).toBe('READY');
    expect(await catalogOf('my-node')).toContainEqual({ ecosystem: 'npm', name: 'is-number', version: '7.0.0' });
    // The function runtime finds the dependency through NODE_PATH.
    const resolved = execFileSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        String(image.dockerUrl),
        'node',
        '-e',
        'console.log(require("is-number")(5))',
      ],
      { encoding: 'utf8' },
    );
    expect(resolved.trim()).toBe('true');
  });

  // Uses the two images built above (a build takes a minute): each SBOM is checked against the official CycloneDX
  // JSON schema the library bundles, and names every package of the catalog by its purl.
  it('serves the SBOM of each built image, valid CycloneDX with a purl per ecosystem', async () => {
    const purls: string[] = [];
    for (const name of ['my-six', 'my-node']) {
      const answer = await service.app.request(`/v1/image/${name}/sbom`, {
        headers: { Authorization: `Bearer ${service.tokens.viewer}` },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('Content-Type')).toBe(SBOM_MEDIA_TYPE);
      const text = await answer.text();
      expect(await new Validation.JsonStrictValidator(SBOM_SPEC.version).validate(text)).toBeNull();
      const bom = JSON.parse(text) as { metadata: { component: { purl: string } }; components: { purl: string }[] };
      expect(bom.components).toHaveLength((await catalogOf(name)).length);
      expect(bom.metadata.component.purl).toMatch(/^pkg:oci\/[a-z0-9._-]+@sha256%3A[0-9a-f]{64}\?repository_url=/);
      purls.push(...bom.components.map((c) => c.purl));
    }
    expect(purls).toContain('pkg:pypi/six@1.16.0');
    expect(purls).toContain('pkg:npm/is-number@7.0.0');
    expect(purls).toContainEqual(expect.stringMatching(/^pkg:deb\/debian\/jq@/));
  });

  it('is ERROR with a reason naming the failing step and the missing pip package', async () => {
    await service.call('POST', '/v1/image', {
      name: 'broken',
      baseImageName: 'py',
      runtimeDependencies: { manifest: 'no-such-package-dispatch-xyz==1.0\n' },
    });
    const image = await settledImage(service, 'broken');
    expect(image.status).toBe('ERROR');
    expect(image.reason[0]).toMatch(/^build failed while installing runtime dependencies with pip/);
    expect(image.reason.slice(1)).toContainEqual(
      expect.stringContaining('No matching distribution found for no-such-package-dispatch-xyz==1.0'),
    );
    const [build] = (await service.call('GET', '/v1/image/broken/builds')).body;
    expect(build).toMatchObject({ outcome: 'FAILED' });
    expect((await service.call('GET', '/v1/image/broken/catalog')).status).toBe(404);
  });

  it('is ERROR when its base image is in ERROR, saying so', async () => {
    await service.call('POST', '/v1/baseimage', {
      name: 'gone',
      dockerUrl: '127.0.0.1:5000/dispatch-test/gone:1',
      language: 'python3',
    });
    await service.call('POST', '/v1/image', { name: 'orphan', baseImageName: 'gone' });
    const image = await settledImage(service, 'orphan');
    expect(image.status).toBe('ERROR');
    expect(image.reason[0]).toMatch(/^base image gone is in ERROR: error when pulling image/);
  });

  it('a PUT during a build supersedes it: one build at a time, the newest spec wins', async () => {
    await service.call('POST', '/v1/image', {
      name: 'changing',
      baseImageName: 'py',
      runtimeDependencies: { manifest: 'six==1.15.0\n' },
    });
    const updated = await service.call('PUT', '/v1/image/changing', {
      baseImageName: 'py',
      runtimeDependencies: { manifest: 'six==1.16.0\n' },
    });
    expect(updated.body.status).toBe('UPDATING');
    const image = await settledImage(service, 'changing');
    expect(image.status).toBe('READY');
    expect(await catalogOf('changing')).toContainEqual({ ecosystem: 'pypi', name: 'six', version: '1.16.0' });
    const outcomes = ((await service.call('GET', '/v1/image/changing/builds')).body as { outcome: string }[]).map(
      (b) => b.outcome,
    );
    expect(outcomes.filter((o) => o === 'RUNNING')).toEqual([]);
    expect(outcomes.filter((o) => o === 'SUCCEEDED')).toHaveLength(1);
  });

  it('DELETE removes the image and the local copies of its builds', async () => {
    const image = await settledImage(service, 'my-node');
    expect(await hasLocalImage(String(image.dockerUrl))).toBe(true);
    const deleted = await service.call('DELETE', '/v1/image/my-node');
    expect(deleted).toMatchObject({ status: 200, body: { name: 'my-node', status: 'DELETED' } });
    expect((await service.call('GET', '/v1/image/my-node')).status).toBe(404);
    await eventually('the local copy to be removed', async () =>
      (await hasLocalImage(String(image.dockerUrl))) ? undefined : true,
    );
  });
});
