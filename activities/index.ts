import { log } from '@temporalio/activity';
import type Docker from 'dockerode';
import { isDockerUrlInUse, setBaseImageStatus, type Generation, type StatusChange } from '../db/base-images.js';
import type { Db } from '../db/client.js';
import { daemonMessage } from './failures.js';
import { pullAndResolve } from './pull-image.js';

export type ActivityDeps = { docker: Docker; db: Db };

/** Every activity the workflows call, over injected dependencies (tests pass real ones). */
export const createActivities = ({ docker, db }: ActivityDeps) => ({
  async pullImage({ dockerUrl }: { dockerUrl: string }): Promise<{ digest: string }> {
    return pullAndResolve(docker, dockerUrl);
  },

  async setBaseImageStatus(target: Generation, change: StatusChange): Promise<boolean> {
    return setBaseImageStatus(db, target, change);
  },

  /** Best effort: the local copy is only a cache, and another base image (any org) may still use it. */
  async removeLocalImage({ dockerUrl }: { dockerUrl: string }): Promise<void> {
    if (await isDockerUrlInUse(db, dockerUrl)) return;
    try {
      await docker.getImage(dockerUrl).remove({ force: true });
    } catch (err) {
      const statusCode = (err as { statusCode?: number }).statusCode;
      if (statusCode === 404) return;
      log.warn('could not remove local image', { dockerUrl, error: daemonMessage(err) });
    }
  },
});

export type Activities = ReturnType<typeof createActivities>;
