import type Docker from 'dockerode';
import { pullAndResolve } from './pull-image.js';
import { noPullAuth, type PullAuth } from './registry-auth.js';

/** Inspects `ref`, pulling it first when this Docker host does not have it (workers may run on several hosts). */
export async function ensureLocalImage(
  docker: Docker,
  ref: string,
  pullAuth: PullAuth = noPullAuth,
): Promise<Docker.ImageInspectInfo> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  await pullAndResolve(docker, ref, pullAuth);
  return docker.getImage(ref).inspect();
}
