import { ApplicationFailure, Context } from '@temporalio/activity';
import type Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findReusableBuild, setBuildFailureLines, setBuildInputs } from '../db/builds.js';
import type { Db } from '../db/client.js';
import { findImageById } from '../db/images.js';
import { pinnedRef } from '../docker-reference.js';
import { BUILD_FAILED, installerToolOf, prepareDefaultContext, prepareTemplateContext } from './build-context.js';
import { inputsSha256, resolveBuildInputs } from './build-inputs.js';
import { BuildLog } from './build-log.js';
import { createBuildCgroup } from './build-cgroup.js';
import { buildApiLimits, type BuildLimits } from './build-limits.js';
import { safeLine } from '../safe-text.js';
import { keepHeartbeating } from './heartbeat.js';
import { pullAuthFor } from './registry-auth.js';
import { DockerStreamError, readDockerStream } from './docker-stream.js';
import { classifyDockerFailure } from './failures.js';
import { ensureLocalImage } from './local-image.js';

export type BuildRequest = {
  buildId: string;
  imageId: string;
  baseImageName: string;
  /** The base image pinned to its verified digest (repo@sha256:...). */
  baseRef: string;
  baseDigest: string;
  /**
   * False for a forced build: build again even when identical inputs were built before, and without Docker's layer
   * cache, or unpinned dependencies would come back at the versions the cache holds.
   */
  allowReuse: boolean;
};

export type RegistryAuth = { username: string; password: string };
/** Where builds run and what they may use (worker.ts sets them up at start). */
export type BuildSettings = { network: string; limits: BuildLimits; pidsLimit: boolean };
export type BuildDeps = {
  docker: Docker;
  db: Db;
  registry: string;
  registryAuth: RegistryAuth;
  caBundlePath: string;
  build: BuildSettings;
};

/**
 * Builds an image from its base image's verified digest, then pushes it. Safe to retry: the build tag belongs to
 * this build, Docker's layer cache makes a repeated build cheap, and a repeated push of the same layers is a no-op.
 */
export type BuildResult = { dockerUrl: string; digest: string; reusedBuildId?: string };

export async function buildAndPush(deps: BuildDeps, request: BuildRequest): Promise<BuildResult> {
  const ctx = Context.current();
  const image = await findImageById(deps.db, request.imageId);
  if (!image) throw ApplicationFailure.nonRetryable(`image ${request.imageId} was deleted`, 'ImageDeleted');
  const dir = await mkdtemp(join(tmpdir(), 'dispatch-build-'));
  const log = new BuildLog(deps.db, request.buildId, deps.build.limits.logMaxBytes);
  const stopHeartbeats = keepHeartbeating(() => ({ step: log.step }));
  const tag = `${deps.registry}/dispatch/${image.id}:${request.buildId.slice(0, 13)}`;
  try {
    log.announce(
      'preparing the build',
      `build ${request.buildId}, attempt ${ctx.info.attempt}, from ${request.baseRef}`,
    );
    const base = { name: request.baseImageName, ref: request.baseRef, digest: request.baseDigest };
    const pullAuth = pullAuthFor(deps.registry, deps.registryAuth);
    log.announce('pulling the base image', `reading base image ${request.baseRef} (pulled if this host lacks it)`);
    const inputs = await resolveBuildInputs(deps.docker, image, base, pullAuth);
    const hash = inputsSha256(inputs);
    await setBuildInputs(deps.db, request.buildId, inputs, hash);
    const reusable = request.allowReuse
      ? await findReusableBuild(deps.db, image.org, hash, request.buildId)
      : undefined;
    if (reusable) {
      // Identical inputs in this org were built already: the same image, tagged and pushed under this image's name.
      log.announce(
        'reusing an identical build',
        `reusing build ${reusable.id} (${reusable.dockerUrl}): its inputs are identical`,
      );
      // By digest: what was built and cataloged then, whatever its tag names in the registry now.
      const source = pinnedRef(reusable.dockerUrl, reusable.digest);
      await ensureLocalImage(deps.docker, source, pullAuth);
      await deps.docker.getImage(source).tag(splitTag(tag));
    } else {
      const spec = {
        language: image.language,
        runtimeManifest: image.runtimeManifest,
        systemPackages: image.systemPackages,
      };
      const template = inputs.template === 'default' ? undefined : inputs.template;
      const context = template
        ? await prepareTemplateContext(deps.docker, dir, request.baseRef, template, spec)
        : await prepareDefaultContext(dir, request.baseRef, spec, { caBundlePath: deps.caBundlePath });
      log.announce(
        template ? "running the base image's template build" : 'building the image',
        `building ${tag}${template ? ` with the base image's template ${template}` : ''}`,
      );
      const options = { t: tag, buildargs: context.buildargs, nocache: !request.allowReuse };
      await runBuild(
        deps,
        { buildId: request.buildId, language: image.language, org: image.org, template: Boolean(template) },
        { context: dir, src: context.files },
        options,
        log,
      );
    }
    log.announce('pushing the image', `pushing ${tag}`);
    const digest = await push(deps, tag, log);
    log.line(`pushed ${tag}@${digest}`);
    return { dockerUrl: tag, digest, ...(reusable ? { reusedBuildId: reusable.id } : {}) };
  } finally {
    stopHeartbeats();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** `registry/repo:tag` as dockerode's tag() wants it. */
function splitTag(ref: string): { repo: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

const SYSTEM_PACKAGES_STEP = 'installing system packages';
const runtimeStep = (language: string) => {
  const tool = installerToolOf(language);
  return `installing runtime dependencies${tool ? ` with ${tool}` : ''}`;
};

/** Our Dockerfile runs one script per step; the daemon announces each in a `Step N/M : ...` event of its own. */
function advanceDefaultBuildStep(log: BuildLog, stream: string, language: string) {
  if (!stream.startsWith('Step ')) return;
  const order = ['building the image', SYSTEM_PACKAGES_STEP, runtimeStep(language)];
  if (stream.includes('/install-system-packages.sh')) log.advanceTo(SYSTEM_PACKAGES_STEP, order);
  else if (stream.includes('/install-runtime-dependencies.sh')) log.advanceTo(runtimeStep(language), order);
}

/**
 * The step a failed build was in, from the daemon's own error (an `errorDetail`, which build output cannot forge:
 * a build's prints arrive JSON-encoded in `stream`): our Dockerfile runs one script per step.
 */
function failedStepOf(daemonError: string, language: string, fallback: string, template: boolean): string {
  // A template's commands are the tenant's text, which could name our scripts: its step is the template build.
  if (template) return fallback;
  if (daemonError.includes('/install-system-packages.sh')) return SYSTEM_PACKAGES_STEP;
  if (daemonError.includes('/install-runtime-dependencies.sh')) return runtimeStep(language);
  return fallback;
}

/**
 * The daemon's words for a failed step, without the step's command: in a template build that command is the
 * tenant's text, which must not become the reason a user reads first.
 */
function whatFailed(daemonError: string): string {
  // Anchored at the end: the daemon's words close the message, after the (tenant's) command it quotes.
  const code = /returned a non-zero code: (\d+)$/.exec(daemonError.trim())?.[1];
  return code ? `the step exited with code ${code}` : safeLine(daemonError, 300);
}

async function runBuild(
  { docker, db, build }: BuildDeps,
  { buildId, language, org, template }: { buildId: string; language: string; org: string; template: boolean },
  context: { context: string; src: string[] },
  options: { t: string; buildargs: Record<string, string>; nocache: boolean },
  log: BuildLog,
) {
  const ctx = Context.current();
  // Each build's RUN steps live under a cgroup of its own (its pids limit) inside its org's (its CPU share).
  const cgroup = build.pidsLimit ? await createBuildCgroup(org, buildId, build.limits.pids) : undefined;
  try {
    // forcerm: intermediate containers go even when a step fails; no host mounts exist in a legacy build.
    // networkmode: RUN steps join the build network, whose firewall keeps them off the host and private ranges.
    const stream = await docker.buildImage(context, {
      ...options,
      ...buildApiLimits(build.limits),
      ...(cgroup ? { cgroupparent: cgroup.parent } : {}),
      networkmode: build.network,
      rm: true,
      forcerm: true,
    });
    await readDockerStream(
      stream,
      (event) => {
        if (event.stream) {
          if (!template) advanceDefaultBuildStep(log, event.stream, language);
          log.write(event.stream);
        }
        ctx.heartbeat({ step: log.step });
      },
      ctx.cancellationSignal,
    );
  } catch (err) {
    if (ctx.cancellationSignal.aborted) throw err;
    if (err instanceof DockerStreamError) {
      // A failing step is the user's input (a package that does not exist, a bad manifest): final, not retried.
      // The lines that explain it go to Postgres; history gets the short reason only.
      await setBuildFailureLines(db, buildId, log.lastLines());
      const step = failedStepOf(err.message, language, log.step, template);
      throw ApplicationFailure.nonRetryable(`build failed while ${step}: ${whatFailed(err.message)}`, BUILD_FAILED);
    }
    throw classifyDockerFailure(err, `build failed while ${log.step}`);
  } finally {
    await cgroup?.remove();
  }
}

/** Pushes the tag and answers the digest the registry stored it under. */
async function push({ docker, registry, registryAuth }: BuildDeps, tag: string, log: BuildLog): Promise<string> {
  const ctx = Context.current();
  let digest: string | undefined;
  try {
    // The daemon insists on an X-Registry-Auth header even for an open registry; empty credentials are fine there.
    const stream = await docker.getImage(tag).push({ authconfig: { ...registryAuth, serveraddress: registry } });
    await readDockerStream(
      stream,
      (event) => {
        digest = event.aux?.Digest ?? digest;
        if (event.status && !event.progress) log.write(`${event.id ? `${event.id}: ` : ''}${event.status}\n`);
        ctx.heartbeat({ step: 'push' });
      },
      ctx.cancellationSignal,
    );
  } catch (err) {
    if (ctx.cancellationSignal.aborted) throw err;
    throw classifyDockerFailure(err, `failed to push the image ${tag}`);
  }
  if (!digest) throw ApplicationFailure.retryable(`the registry answered no digest for ${tag}`, 'PushFailed');
  return digest;
}
