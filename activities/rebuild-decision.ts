import type { BuildInputs } from '../db/schema.js';

export type Decision = { rebuild: boolean; reason: string };

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Whether an image needs a new build: only when what it is made from changed since its last successful build (or
 * when forced, or when it never built). The reason is for people reading a plan, so it says what changed.
 */
export function decideRebuild(
  previous: { buildId: string; inputs: BuildInputs | null } | null,
  current: BuildInputs,
  force: boolean,
): Decision {
  if (force) return { rebuild: true, reason: 'forced' };
  if (!previous?.inputs) return { rebuild: true, reason: 'never built successfully' };
  const was = previous.inputs;
  const changes: string[] = [];
  if (was.baseDigest !== current.baseDigest) {
    changes.push(`base image ${current.baseImage} moved from ${short(was.baseDigest)} to ${short(current.baseDigest)}`);
  }
  if (was.manifestSha256 !== current.manifestSha256) changes.push('runtime manifest changed');
  if (!same(was.systemPackages, current.systemPackages)) changes.push('system packages changed');
  if (was.template !== current.template)
    changes.push(`image template changed (${was.template} -> ${current.template})`);
  if (was.language !== current.language) changes.push(`language changed (${was.language} -> ${current.language})`);
  return changes.length
    ? { rebuild: true, reason: changes.join('; ') }
    : { rebuild: false, reason: `inputs unchanged since build ${previous.buildId}` };
}
