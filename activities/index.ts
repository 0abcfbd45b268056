import { ApplicationFailure, log } from '@temporalio/activity';
import { namesMissingOrganization } from '../db/organizations.js';
import {
  isDockerUrlInUse,
  findBaseImage,
  findBaseImageById,
  setBaseImageStatus,
  type Generation,
  type StatusChange,
} from '../db/base-images.js';
import type { BuildEnd } from '../db/builds.js';
import {
  beginImageBuild,
  completeImageBuild,
  settleImageError,
  toBaseImageState,
  type BaseImageState,
  type ImageTarget,
} from '../db/image-builds.js';
import type { StoredStatus } from '../db/schema.js';
import { acquireBuildSlot, releaseBuildSlot } from '../db/build-slots.js';
import { buildAndPush, type BuildDeps, type BuildRequest } from './build-image.js';
import { recordCatalog, type CatalogRequest } from './catalog.js';
import { planImageRebuild, reverifyBaseImage, type VerifiedBase } from './rebuild.js';
import { planRebuildItems, type PlanRequest } from './rebuild-plan.js';
import { nextWindow, selectedBaseImages, selectorCondition, type WindowItem } from '../db/rebuild-plans.js';
import {
  finishRebuild,
  openRebuild,
  recordPlan,
  selectImages,
  setItemOutcome,
  type PlannedItem,
  type RebuildOpen,
} from '../db/rebuilds.js';
import type { RebuildSelector } from '../db/schema.js';
import { daemonMessage } from './failures.js';
import { observePull, recordClosedBuilds } from './metrics.js';
import { pullBaseImage, requireInstallableOrTemplate } from './pull-image.js';
import { pullAuthFor } from './registry-auth.js';
import { verifyBaseImage, type VerifyOutcome, type VerifyRequest } from './verify-base-image.js';

export type ActivityDeps = BuildDeps & { orgBuildConcurrency: number; languages: readonly string[] };

/** Every activity the workflows call, over injected dependencies (tests pass real ones). */
export const createActivities = (deps: ActivityDeps) => {
  const { docker, db } = deps;
  const pullAuth = pullAuthFor(deps.registry, deps.registryAuth);
  return {
    /**
     * Verifies a base image: pulls it, and refuses one whose language the service cannot install for unless it
     * brings its own template. `baseImageId` is absent in runs started before it was passed (no check then).
     */
    async pullImage({ dockerUrl, baseImageId }: { dockerUrl: string; baseImageId?: string }) {
      const pulled = await observePull('verify', () => pullBaseImage(docker, dockerUrl, pullAuth));
      const language = baseImageId ? (await findBaseImageById(db, baseImageId))?.language : undefined;
      if (language !== undefined) await requireInstallableOrTemplate(docker, dockerUrl, language, deps.languages);
      return pulled;
    },

    /** The whole verification (in progress, pull, READY) of base image runs started since the one-activity patch. */
    async verifyBaseImage(request: VerifyRequest): Promise<VerifyOutcome> {
      return verifyBaseImage({ docker, db, pullAuth, languages: deps.languages }, request);
    },

    async setBaseImageStatus(target: Generation, change: StatusChange): Promise<boolean> {
      return setBaseImageStatus(db, target, change);
    },

    async readBaseImage({ org, name }: { org: string; name: string }): Promise<BaseImageState | null> {
      const row = await findBaseImage(db, org, name);
      return row ? toBaseImageState(row) : null;
    },

    async beginImageBuild(input: {
      target: ImageTarget;
      status: StoredStatus;
      runId: string;
      trigger: string;
      rebuildId?: string;
    }) {
      const { target, status, ...start } = input;
      const begun = await beginImageBuild(db, target, status, start);
      if (!begun) return null;
      const { superseded, ...answer } = begun;
      recordClosedBuilds(superseded);
      return answer;
    },

    async completeImageBuild(input: { target: ImageTarget; buildId: string; end: BuildEnd }): Promise<void> {
      recordClosedBuilds(await completeImageBuild(db, input.target, input.buildId, input.end));
    },

    /** True when the org has a build slot free for this build (fleet-wide cap); the workflow waits otherwise. */
    async acquireBuildSlot({ org, buildId }: { org: string; buildId: string }): Promise<boolean> {
      return acquireBuildSlot(db, org, buildId, deps.orgBuildConcurrency);
    },

    async releaseBuildSlot({ org, buildId }: { org: string; buildId: string }): Promise<void> {
      await releaseBuildSlot(db, org, buildId);
    },

    /** The last resort when a build's result cannot be written: the image ERROR with a short reason of our own. */
    async settleImageError(input: { target: ImageTarget; buildId: string; reason: string }): Promise<void> {
      recordClosedBuilds(await settleImageError(db, input.target, input.buildId, input.reason));
    },

    async buildAndPush(request: BuildRequest): Promise<{ dockerUrl: string; digest: string }> {
      return buildAndPush(deps, request);
    },

    async recordCatalog(request: CatalogRequest): Promise<{ packages: number }> {
      return recordCatalog(docker, db, request, pullAuth, deps.build.limits);
    },

    async openRebuild(open: RebuildOpen): Promise<void> {
      await openRebuild(db, open).catch((err: unknown) => {
        // A schedule's run that fired as its org was deleted: no retry can bring the org back.
        if (namesMissingOrganization(err))
          throw ApplicationFailure.nonRetryable(`organization ${open.org} no longer exists`);
        throw err;
      });
    },

    async selectRebuildImages({ org, selector }: { org: string; selector: RebuildSelector }) {
      return selectImages(db, org, selector);
    },

    async reverifyBaseImage(input: { org: string; name: string; dryRun: boolean }): Promise<VerifiedBase> {
      return reverifyBaseImage(docker, db, input, pullAuth);
    },

    /** The base images of the images a rebuild selects, each to be re-verified once. */
    async selectRebuildBaseImages({ org, selector }: { org: string; selector: RebuildSelector }) {
      return selectedBaseImages(db, await selectorCondition(db, org, selector));
    },

    async planRebuildItems(request: PlanRequest) {
      return planRebuildItems(db, request);
    },

    async nextRebuildWindow({ rebuildId, size }: { rebuildId: string; size: number }): Promise<WindowItem[]> {
      return nextWindow(db, rebuildId, size);
    },

    /** Runs started before plans moved to Postgres (workflows/rebuild-legacy.ts) call this one. */
    async planImageRebuild(input: { imageId: string; base: VerifiedBase; force: boolean }) {
      return planImageRebuild(docker, db, input, pullAuth);
    },

    async recordRebuildPlan({
      rebuildId,
      items,
      dryRun,
    }: {
      rebuildId: string;
      items: PlannedItem[];
      dryRun: boolean;
    }) {
      await recordPlan(db, rebuildId, items, dryRun);
    },

    async setRebuildItemOutcome(input: {
      rebuildId: string;
      imageName: string;
      outcome: string;
      reason?: string;
      buildId?: string;
    }) {
      const { rebuildId, imageName, ...change } = input;
      await setItemOutcome(db, rebuildId, imageName, change);
    },

    async finishRebuild({ rebuildId }: { rebuildId: string }): Promise<void> {
      await finishRebuild(db, rebuildId);
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
