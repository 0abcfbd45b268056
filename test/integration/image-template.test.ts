import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTemplatedBase } from '../helpers/template-bases.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { settledImage } from '../helpers/wait.js';

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
});
