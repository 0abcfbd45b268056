import { ApplicationFailure, Context } from '@temporalio/activity';
import type Docker from 'dockerode';
import { repositoryOf } from '../docker-reference.js';
import { readDockerStream } from './docker-stream.js';
import { keepHeartbeating } from './heartbeat.js';
import { noPullAuth, type PullAuth } from './registry-auth.js';
import { classifyDockerFailure } from './failures.js';
import { IMAGE_TEMPLATE_LABEL } from './build-inputs.js';

/**
 * `<any registry>[/<path>]/dispatch/<image id>[:tag]`: the shape of every image the service pushes (build-image.ts),
 * also when IMAGE_REGISTRY carries a path (`registry.example/acme`).
 */
export function isServiceBuiltImage(dockerUrl: string): boolean {
  return /(^|\/)dispatch\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(repositoryOf(dockerUrl));
}

/** Pulls a base image (verification, re-verification): never one the service built, whoever names it. */
export async function pullBaseImage(
  docker: Docker,
  dockerUrl: string,
  pullAuth: PullAuth = noPullAuth,
): Promise<{ digest: string }> {
  if (isServiceBuiltImage(dockerUrl)) {
    // Another org's image, read with the service's registry credentials: never a base image.
    throw ApplicationFailure.nonRetryable(
      `error when pulling image ${dockerUrl}: it names an image this service built (dispatch/<image id>); a base image must come from elsewhere`,
      'BaseImageRefused',
    );
  }
  return pullAndResolve(docker, dockerUrl, pullAuth);
}

/**
 * Pulls `dockerUrl` and answers the digest it resolved to. Heartbeats with the latest progress line so a dead
 * worker is noticed within the heartbeat timeout; cancellation destroys the stream. Also how a worker fetches an
 * image the service built on another Docker host (its catalog, a reused build): base images go through
 * pullBaseImage.
 */
export async function pullAndResolve(
  docker: Docker,
  dockerUrl: string,
  pullAuth: PullAuth = noPullAuth,
): Promise<{ digest: string }> {
  const ctx = Context.current();
  const context = `error when pulling image ${dockerUrl}`;
  let last = 'starting';
  const stopHeartbeats = keepHeartbeating(() => ({ progress: last }));
  try {
    const authconfig = pullAuth(dockerUrl);
    const stream = await docker.pull(dockerUrl, authconfig ? { authconfig } : {});
    await readDockerStream(
      stream,
      (event) => {
        last = [event.id, event.status].filter(Boolean).join(' ');
        ctx.heartbeat({ progress: last });
      },
      ctx.cancellationSignal,
    );
    return { digest: await resolveDigest(docker, dockerUrl) };
  } catch (err) {
    if (ctx.cancellationSignal.aborted) throw err;
    throw classifyDockerFailure(err, context);
  } finally {
    stopHeartbeats();
  }
}

/**
 * A base image may declare any language when it brings its own template (the original's powershell-base and
 * java-base do the whole install in theirs); without one, the language must be one the service installs for.
 */
export async function requireInstallableOrTemplate(
  docker: Docker,
  dockerUrl: string,
  language: string,
  installable: readonly string[],
): Promise<void> {
  if (installable.includes(language)) return;
  const labels = (await docker.getImage(dockerUrl).inspect()).Config?.Labels ?? {};
  if (labels[IMAGE_TEMPLATE_LABEL]) return;
  throw ApplicationFailure.nonRetryable(
    `language ${language} needs the base image's own template: the service installs dependencies only for ${installable.join(', ')}, and ${dockerUrl} carries no ${IMAGE_TEMPLATE_LABEL} label`,
    'BaseImageRefused',
  );
}

/** The registry digest of the pulled reference (repo@sha256:... in RepoDigests), else the local image id. */
async function resolveDigest(docker: Docker, dockerUrl: string): Promise<string> {
  const info = await docker.getImage(dockerUrl).inspect();
  const repository = repositoryOf(dockerUrl);
  const match = info.RepoDigests?.find((d) => d.startsWith(`${repository}@`)) ?? info.RepoDigests?.[0];
  return match ? match.slice(match.indexOf('@') + 1) : info.Id;
}
