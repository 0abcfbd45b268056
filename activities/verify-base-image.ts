import type Docker from 'dockerode';
import type { Db } from '../db/client.js';
import { findBaseImageById, setBaseImageStatus, type Generation } from '../db/base-images.js';
import { observePull } from './metrics.js';
import { pullBaseImage, requireInstallableOrTemplate } from './pull-image.js';
import type { PullAuth } from './registry-auth.js';

export type VerifyRequest = { target: Generation; dockerUrl: string; inProgress: 'CREATING' | 'UPDATING' };

/** `current: false`: a newer spec (or a delete) owns the row; nothing more was written, or the pull was skipped. */
export type VerifyOutcome = { current: boolean; digest?: string };

export type VerifyDeps = { docker: Docker; db: Db; pullAuth: PullAuth; languages: readonly string[] };

/**
 * A base image's whole verification in one activity: in progress, pull, language check, READY with the digest. As
 * three activities it cost two more Temporal task round trips before READY reached Postgres (each write scheduled,
 * polled, completed, then a workflow task to go on); here READY is written the moment the pull answers. Every write
 * applies only to the run's own generation, so a retried attempt (or a late one) is harmless. Failures are the
 * workflow's to record (ERROR after the retries), as with pullImage.
 */
export async function verifyBaseImage(deps: VerifyDeps, request: VerifyRequest): Promise<VerifyOutcome> {
  const { docker, db, pullAuth, languages } = deps;
  const { target, dockerUrl, inProgress } = request;
  if (!(await setBaseImageStatus(db, target, { status: inProgress }))) return { current: false };
  // Read while the image downloads (needed only after); awaited after the pull, so a failed read is this attempt's
  // failure and never an unhandled rejection.
  const languageRead = findBaseImageById(db, target.id).then((row) => row?.language);
  languageRead.catch(() => undefined);
  const { digest } = await observePull('verify', () => pullBaseImage(docker, dockerUrl, pullAuth));
  const language = await languageRead;
  if (language === undefined) return { current: false }; // deleted during the pull
  await requireInstallableOrTemplate(docker, dockerUrl, language, languages);
  return { current: await setBaseImageStatus(db, target, { status: 'READY', digest }), digest };
}
