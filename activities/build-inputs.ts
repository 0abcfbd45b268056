import { ApplicationFailure } from '@temporalio/activity';
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import type { BuildInputs, ImageRow } from '../db/schema.js';
import { ensureLocalImage } from './local-image.js';
import type { PullAuth } from './registry-auth.js';

export const IMAGE_TEMPLATE_LABEL = 'io.dispatchframework.imageTemplate';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What a build of `image` on the base image pinned at `baseRef` is made from. The template comes from the base
 * image's label, so the base image is inspected (pulled first on a host that lacks it).
 */
export async function resolveBuildInputs(
  docker: Docker,
  image: Pick<ImageRow, 'language' | 'runtimeManifest' | 'systemPackages'>,
  base: { name: string; ref: string; digest: string },
  pullAuth: PullAuth,
): Promise<BuildInputs> {
  const { template } = await resolveBaseTemplate(docker, base, pullAuth);
  return {
    baseImage: base.name,
    baseDigest: base.digest,
    language: image.language,
    manifestSha256: sha256(image.runtimeManifest),
    systemPackages: image.systemPackages,
    template,
  };
}

/**
 * The template a base image pinned at `ref` carries ('default' without the label); one with ONBUILD triggers is
 * refused. The base image is inspected, pulled first on a host that lacks it.
 */
export async function resolveBaseTemplate(
  docker: Docker,
  base: { name: string; ref: string },
  pullAuth: PullAuth,
): Promise<{ template: string }> {
  const inspected = await ensureLocalImage(docker, base.ref, pullAuth);
  // ONBUILD triggers run in our FROM ${BASE_IMAGE}; an ONBUILD ADD would have the daemon fetch from the host's own
  // network (template-policy.ts). A base image carrying triggers is refused outright.
  const triggers = inspected.Config?.OnBuild ?? [];
  if (triggers.length) {
    throw ApplicationFailure.nonRetryable(
      `base image ${base.name} carries ONBUILD triggers (${triggers.length}), which the service does not run`,
      'BuildFailed',
    );
  }
  return { template: inspected.Config?.Labels?.[IMAGE_TEMPLATE_LABEL] ?? 'default' };
}

/**
 * The identity of a build's result: equal hashes give the same image. The base image's name is left out (two base
 * images at one digest are one base), the order of system packages is kept (it is the install order).
 */
export function inputsSha256(inputs: BuildInputs): string {
  const { baseDigest, language, manifestSha256, systemPackages, template } = inputs;
  return sha256(JSON.stringify([baseDigest, language, manifestSha256, systemPackages, template]));
}
