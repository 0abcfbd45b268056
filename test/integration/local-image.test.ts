// Workers on several Docker hosts: the catalog of a build, or a reused build, may run on a host that has never seen
// the image the service built. That host pulls it from the registry, by the digest the build pushed; only base
// images refuse service-built names.
import { MockActivityEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ensureLocalImage } from '../../activities/local-image.js';
import { pullBaseImage } from '../../activities/pull-image.js';
import { pinnedRef, repositoryOf } from '../../docker-reference.js';
import { nodeFixture, pythonFixture, REGISTRY } from '../helpers/env.js';
import { docker, hasLocalImage } from '../helpers/registry-images.js';

/** An image in the registry under the name the service gives its builds, absent from this engine. */
function serviceBuiltImageElsewhere(): string {
  const ref = `${REGISTRY}/dispatch/${randomUUID()}:${randomUUID().slice(0, 13)}`;
  execFileSync('docker', ['tag', pythonFixture(), ref]);
  execFileSync('docker', ['push', ref], { stdio: 'ignore' });
  execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
  return ref;
}

describe('images the service built, on a Docker host that has not got them', () => {
  it('are pulled from the registry for the catalog or a reuse', async () => {
    const ref = serviceBuiltImageElsewhere();
    expect(await hasLocalImage(ref)).toBe(false);
    const inspected = (await new MockActivityEnvironment().run(ensureLocalImage, docker, ref)) as Awaited<
      ReturnType<typeof ensureLocalImage>
    >;
    expect(inspected.RepoTags).toContain(ref);
    await docker.getImage(ref).remove();
  });

  it('are read at the digest they were pushed at, even once their tag names another image in the registry', async () => {
    const ref = serviceBuiltImageElsewhere();
    // What the build pushed: the registry's digest for the tag, read through the API (a pull, then RepoDigests).
    await new MockActivityEnvironment().run(ensureLocalImage, docker, ref);
    const pushed = await docker.getImage(ref).inspect();
    const digest = pushed.RepoDigests!.find((d) => d.startsWith(`${repositoryOf(ref)}@`))!.split('@')[1]!;
    await docker.getImage(ref).remove();
    // Someone with write access to the registry moves the tag to another image.
    execFileSync('docker', ['tag', nodeFixture(), ref]);
    execFileSync('docker', ['push', ref], { stdio: 'ignore' });
    execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });

    const pinned = pinnedRef(ref, digest);
    const inspected = (await new MockActivityEnvironment().run(ensureLocalImage, docker, pinned)) as Awaited<
      ReturnType<typeof ensureLocalImage>
    >;
    expect(inspected.Id).toBe(pushed.Id);
    expect(inspected.Id).not.toBe((await docker.getImage(nodeFixture()).inspect()).Id);
  });

  it('are still refused as base images', async () => {
    const ref = serviceBuiltImageElsewhere();
    await expect(new MockActivityEnvironment().run(pullBaseImage, docker, ref)).rejects.toThrow(
      /names an image this service built/,
    );
    expect(await hasLocalImage(ref)).toBe(false);
  });
});
