import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonFixture, REGISTRY } from './env.js';
import { buildAndPush } from './registry-images.js';

/**
 * A base image labelled io.dispatchframework.imageTemplate=/image-template, built from the python3 fixture and
 * pushed with the docker CLI as an org admin would. `template` is the template folder's Dockerfile; `setup` are
 * Dockerfile lines of the base image itself (after the template is copied in), e.g. to plant a link in it.
 */
export function pushTemplatedBase(template: string, setup: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'templated-base-'));
  mkdirSync(join(dir, 'image-template'));
  writeFileSync(join(dir, 'image-template', 'Dockerfile'), template);
  const dockerfile = [
    `FROM ${pythonFixture()}`,
    'LABEL io.dispatchframework.imageTemplate=/image-template',
    'COPY image-template /image-template',
    ...setup,
  ];
  writeFileSync(join(dir, 'Dockerfile'), `${dockerfile.join('\n')}\n`);
  const ref = `${REGISTRY}/dispatch-test/templated-${randomUUID().slice(0, 8)}:1`;
  buildAndPush(dir, ref);
  return ref;
}
