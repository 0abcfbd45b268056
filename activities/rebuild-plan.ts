import { heartbeat } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { closePlan, imagesToPlan, insertPlanItems, selectorCondition, type ImageToPlan } from '../db/rebuild-plans.js';
import type { RebuildSelector } from '../db/schema.js';
import { inputsSha256 } from './build-inputs.js';
import type { VerifiedBase } from './rebuild.js';
import { decideRebuild } from './rebuild-decision.js';

/** Images planned per query and insert: bounded memory and statements whatever the fleet. */
export const PLAN_PAGE = 5_000;

export type PlanRequest = {
  rebuildId: string;
  org: string;
  selector: RebuildSelector;
  bases: VerifiedBase[];
  force: boolean;
  dryRun: boolean;
};

/**
 * Plans a whole rebuild into Postgres: each selected image's inputs now (its spec and its base image's verified
 * digest and template) against the inputs of its last successful build, decided by `decideRebuild`, a page of images
 * at a time. Answers counts only; the plan itself stays in the database (workflow history stays small).
 */
export async function planRebuildItems(db: Db, request: PlanRequest): Promise<{ planned: number; toBuild: number }> {
  const bases = new Map(request.bases.map((b) => [b.name, b]));
  const condition = await selectorCondition(db, request.org, request.selector);
  let planned = 0;
  let toBuild = 0;
  for (let after: string | undefined; ;) {
    const page = await imagesToPlan(db, condition, after, PLAN_PAGE);
    const items = page.map((image) => planItem(image, bases.get(image.baseImageName), request.force));
    await insertPlanItems(db, request.rebuildId, items, request.dryRun);
    planned += items.length;
    toBuild += items.filter((i) => i.rebuild).length;
    heartbeat(planned);
    if (page.length < PLAN_PAGE) break;
    after = page[page.length - 1]!.name;
  }
  await closePlan(db, request.rebuildId, request.dryRun);
  return { planned, toBuild };
}

function planItem(image: ImageToPlan, base: VerifiedBase | undefined, force: boolean) {
  const item = {
    imageId: image.id,
    imageName: image.name,
    baseImageName: image.baseImageName,
    generation: image.generation,
  };
  if (!base?.digest || base.template === undefined) {
    return { ...item, rebuild: false, reason: base?.error ?? 'base image not verified', inputsSha256: null };
  }
  const current = {
    baseImage: base.name,
    baseDigest: base.digest,
    language: image.language,
    manifestSha256: image.manifestSha256,
    systemPackages: image.systemPackages,
    template: base.template,
  };
  const last = image.lastBuildId ? { buildId: image.lastBuildId, inputs: image.lastInputs } : null;
  return { ...item, ...decideRebuild(last, current, force), inputsSha256: inputsSha256(current) };
}
