import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTemplatedBase } from '../helpers/template-bases.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { pythonFixture } from '../helpers/env.js';
import { settledBaseImage, settledImage } from '../helpers/wait.js';

// The original's template contract: a base image labelled io.dispatchframework.imageTemplate brings its own
// Dockerfile, built with BASE_IMAGE, SYSTEM_PACKAGES_FILE and PACKAGES_FILE.
const TEMPLATE = `ARG BASE_IMAGE
FROM \${BASE_IMAGE}
ARG SYSTEM_PACKAGES_FILE
ARG PACKAGES_FILE
COPY \${SYSTEM_PACKAGES_FILE} /template/system-packages.txt
COPY \${PACKAGES_FILE} /template/packages.txt
RUN echo built-with-template > /template/marker
`;

describe('base images with their own image template', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.close());

  it('builds the image with the template and the original build arguments', async () => {
    await service.call('POST', '/v1/baseimage', {
      name: 'templated',
      dockerUrl: pushTemplatedBase(TEMPLATE),
      language: 'python3',
    });
    const manifest = 'six==1.16.0\n';
    await service.call('POST', '/v1/image', {
      name: 'from-template',
      baseImageName: 'templated',
      runtimeDependencies: { manifest },
      systemDependencies: { packages: [{ name: 'jq', version: '1.6' }, { name: 'curl' }] },
    });
    const image = await settledImage(service, 'from-template');
    expect(image.reason).toEqual([]);
    expect(image.status).toBe('READY');

    const read = (path: string) =>
      execFileSync('docker', ['run', '--rm', '--network', 'none', String(image.dockerUrl), 'cat', path], {
        encoding: 'utf8',
      });
    expect(read('/template/marker')).toBe('built-with-template\n');
    expect(read('/template/packages.txt')).toBe(manifest);
    expect(read('/template/system-packages.txt')).toBe('jq 1.6\ncurl\n');
    const [build] = (await service.call('GET', '/v1/image/from-template/builds')).body;
    expect(build.inputs.template).toBe('/image-template');
  });

  it('lets a base image with its own template declare any language, as the original java-base did', async () => {
    // The template does the whole install, as java-base's did: here it writes the manifest where a JVM would look.
    const javaTemplate = `${TEMPLATE}RUN cp /template/packages.txt /template/pom.xml\n`;
    const created = await service.call('POST', '/v1/baseimage', {
      name: 'base-java',
      dockerUrl: pushTemplatedBase(javaTemplate),
      language: 'java',
    });
    expect(created.status).toBe(201);
    expect((await settledBaseImage(service, 'base-java')).status).toBe('READY');
    const pom = '<project><artifactId>hello</artifactId></project>\n';
    await service.call('POST', '/v1/image', {
      name: 'java-app',
      baseImage: 'base-java', // the name later Dispatch versions used for baseImageName
      runtimeDependencies: { manifest: pom },
    });
    const image = await settledImage(service, 'java-app');
    expect(image).toMatchObject({ status: 'READY', reason: [], language: 'java', baseImageName: 'base-java' });
    const pomInImage = execFileSync(
      'docker',
      ['run', '--rm', '--network', 'none', String(image.dockerUrl), 'cat', '/template/pom.xml'],
      { encoding: 'utf8' },
    );
    expect(pomInImage).toBe(pom);
  });

  it('ends a base image of a language the service cannot install for, without a template, in ERROR saying so', async () => {
    await service.call('POST', '/v1/baseimage', { name: 'plain-java', imageUrl: pythonFixture(), language: 'java' });
    const base = await settledBaseImage(service, 'plain-java');
    expect(base.status).toBe('ERROR');
    expect(base.reason[0]).toMatch(
      /language java needs the base image's own template: the service installs dependencies only for python3, nodejs, and .* carries no io\.dispatchframework\.imageTemplate label/,
    );
    // The alias went into dockerUrl; answers keep the service's names.
    expect(base.dockerUrl).toBe(pythonFixture());
    expect(base).not.toHaveProperty('imageUrl');
  });
});
