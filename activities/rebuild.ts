import type Docker from 'dockerode';
import { findBaseImage, refreshBaseImageDigest } from '../db/base-images.js';
import { findBuild } from '../db/builds.js';
import type { Db } from '../db/client.js';
import { findImageById } from '../db/images.js';
import { pinnedRef } from '../docker-reference.js';
import { inputsSha256, resolveBaseTemplate, resolveBuildInputs } from './build-inputs.js';
import { decideRebuild } from './rebuild-decision.js';
import { observePull } from './metrics.js';
import { pullBaseImage } from './pull-image.js';
import type { PullAuth } from './registry-auth.js';

/** A base image as a rebuild sees it: the digest its tag names now and the template it carries, or why not. */
export type VerifiedBase = { name: string; dockerUrl: string; digest?: string; template?: string; error?: string };

/**
 * Resolves a base image's tag to the digest it names today (a pull), and records it when it moved. A base image
 * that cannot be verified is reported, not failed: the plan says why its images are skipped.
 */
export async function reverifyBaseImage(
  docker: Docker,
  db: Db,
  input: { org: string; name: string; dryRun: boolean },
  pullAuth: PullAuth,
): Promise<VerifiedBase> {
  const { org, name } = input;
  const row = await findBaseImage(db, org, name);
  if (!row) return { name, dockerUrl: '', error: `base image ${name} not found` };
  if (row.status !== 'READY') return { name, dockerUrl: row.dockerUrl, error: `base image ${name} is ${row.status}` };
  try {
    const { digest } = await observePull('reverify', () => pullBaseImage(docker, row.dockerUrl, pullAuth));
    // A dry run only looks: the base image keeps the digest it was verified at.
    if (digest !== row.digest && !input.dryRun) await refreshBaseImageDigest(db, row.id, digest);
    // Read once per base image here, instead of once per image while planning.
    const ref = pinnedRef(row.dockerUrl, digest);
    const { template } = await resolveBaseTemplate(docker, { name, ref }, pullAuth);
    return { name, dockerUrl: row.dockerUrl, digest, template };
  } catch (err) {
    return {
      name,
      dockerUrl: row.dockerUrl,
      error: `base image ${name} could not be verified: ${(err as Error).message}`,
    };
  }
}

export type ImagePlan = {
  imageName: string;
  baseImageName: string;
  rebuild: boolean;
  reason: string;
  imageId: string;
  generation: number;
  inputsSha256: string | null;
};

/** Compares what the image would be built from now with what its last successful build was made from. */
export async function planImageRebuild(
  docker: Docker,
  db: Db,
  input: { imageId: string; base: VerifiedBase; force: boolean },
  pullAuth: PullAuth,
): Promise<ImagePlan | null> {
  const image = await findImageById(db, input.imageId);
  if (!image) return null; // deleted since it was selected
  const plan = {
    imageName: image.name,
    baseImageName: image.baseImageName,
    imageId: image.id,
    generation: image.generation,
  };
  const { base } = input;
  if (!base.digest)
    return { ...plan, rebuild: false, reason: base.error ?? 'base image not verified', inputsSha256: null };
  const ref = pinnedRef(base.dockerUrl, base.digest);
  const current = await resolveBuildInputs(docker, image, { name: base.name, ref, digest: base.digest }, pullAuth);
  const last = image.currentBuildId ? await findBuild(db, image.id, image.currentBuildId) : undefined;
  const decision = decideRebuild(last ? { buildId: last.id, inputs: last.inputs } : null, current, input.force);
  return { ...plan, ...decision, inputsSha256: inputsSha256(current) };
}
