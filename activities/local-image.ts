import type Docker from 'dockerode';
import { pullAndResolve } from './pull-image.js';

/** Inspects `ref`, pulling it first when this Docker host does not have it (workers may run on several hosts). */
export async function ensureLocalImage(docker: Docker, ref: string): Promise<Docker.ImageInspectInfo> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  await pullAndResolve(docker, ref);
  return docker.getImage(ref).inspect();
}
