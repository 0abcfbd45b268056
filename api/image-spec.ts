import { lockBaseImage } from '../db/base-images.js';
import type { Queryable } from '../db/client.js';
import type { ImageSpec } from '../db/images.js';
import { ApiError } from './errors.js';
import { manifestProblem, type ImageBody } from './image-model.js';

/**
 * The stored spec of an image from a validated body. The base image must exist in the org (its row stays locked
 * until the transaction ends, so it cannot be deleted meanwhile); the image takes its language.
 */
export async function specOnBase(tx: Queryable, org: string, body: ImageBody, label: string): Promise<ImageSpec> {
  const base = await lockBaseImage(tx, org, body.baseImageName, 'share');
  if (!base) throw new ApiError(400, `${label}: baseImageName: base image ${body.baseImageName} not found`);
  const manifest = body.runtimeDependencies.manifest;
  const problem = manifestProblem(base.language, manifest);
  if (problem) throw new ApiError(400, `${label}: runtimeDependencies.manifest: ${problem}`);
  return {
    name: body.name,
    baseImageName: body.baseImageName,
    language: base.language,
    runtimeManifest: manifest,
    systemPackages: body.systemDependencies.packages ?? [],
    tags: body.tags,
  };
}
