import { log } from '@temporalio/activity';
import {
  isDockerUrlInUse,
  findBaseImage,
  setBaseImageStatus,
  type Generation,
  type StatusChange,
} from '../db/base-images.js';
import type { BuildEnd } from '../db/builds.js';
import {
  beginImageBuild,
  completeImageBuild,
  toBaseImageState,
  type BaseImageState,
  type ImageTarget,
} from '../db/image-builds.js';
import type { StoredStatus } from '../db/schema.js';
import { buildAndPush, type BuildDeps, type BuildRequest } from './build-image.js';
import { recordCatalog } from './catalog.js';
import { daemonMessage } from './failures.js';
import { pullAndResolve } from './pull-image.js';

export type ActivityDeps = BuildDeps;

/** Every activity the workflows call, over injected dependencies (tests pass real ones). */
export const createActivities = (deps: ActivityDeps) => {
  const { docker, db } = deps;
  return {
    async pullImage({ dockerUrl }: { dockerUrl: string }): Promise<{ digest: string }> {
      return pullAndResolve(docker, dockerUrl);
    },

    async setBaseImageStatus(target: Generation, change: StatusChange): Promise<boolean> {
      return setBaseImageStatus(db, target, change);
    },

    async readBaseImage({ org, name }: { org: string; name: string }): Promise<BaseImageState | null> {
      const row = await findBaseImage(db, org, name);
      return row ? toBaseImageState(row) : null;
    },

    async beginImageBuild(input: { target: ImageTarget; status: StoredStatus; runId: string; trigger: string }) {
      return beginImageBuild(db, input.target, input.status, { runId: input.runId, trigger: input.trigger });
    },

    async completeImageBuild(input: { target: ImageTarget; buildId: string; end: BuildEnd }): Promise<void> {
      await completeImageBuild(db, input.target, input.buildId, input.end);
    },

    async buildAndPush(request: BuildRequest): Promise<{ dockerUrl: string; digest: string }> {
      return buildAndPush(deps, request);
    },

    async recordCatalog({ buildId, dockerUrl }: { buildId: string; dockerUrl: string }): Promise<{ packages: number }> {
      return recordCatalog(docker, db, buildId, dockerUrl);
    },

    /** Best effort: the local copy is only a cache, and another base image (any org) may still use it. */
    async removeLocalImage({
      dockerUrl,
      onlyIfUnused = true,
    }: {
      dockerUrl: string;
      onlyIfUnused?: boolean;
    }): Promise<void> {
      if (onlyIfUnused && (await isDockerUrlInUse(db, dockerUrl))) return;
      try {
        await docker.getImage(dockerUrl).remove({ force: true });
      } catch (err) {
        const statusCode = (err as { statusCode?: number }).statusCode;
        if (statusCode === 404) return;
        log.warn('could not remove local image', { dockerUrl, error: daemonMessage(err) });
      }
    },
  };
};

export type Activities = ReturnType<typeof createActivities>;
