// `create|apply|update -f FILE --wait`: follow every resource a bundle names until it is READY or ERROR. They are
// followed together (a base image and an image on it settle at about the same time), each printing its own status
// changes on stderr, as `create image --wait` does for one.
import { baseImageKind } from './base-image-commands.js';
import type { DispatchClient } from './client.js';
import { imageKind } from './image-commands.js';
import { createProgress } from './progress.js';
import { errorReport, followResource, type KindRef } from './resource-commands.js';

/** The bundle kinds, by the name documents give them. */
export const bundleKinds: Readonly<Record<string, KindRef | undefined>> = {
  BaseImage: baseImageKind,
  Image: imageKind,
};

/** The kind a document names, if it is one (`__proto__` or `constructor` name nothing here). */
export const kindOf = (name: string): KindRef | undefined =>
  Object.hasOwn(bundleKinds, name) ? bundleKinds[name] : undefined;

type Followed = { index: number; kind: string; name: string; result: string };

/**
 * Answers the settled status of each followed document (by index) and one report per resource in ERROR. Unchanged
 * documents are followed too: an `apply` that changed nothing should still not exit 0 over an image whose last
 * build failed, or that is still building from an earlier apply.
 */
export async function followBundle(
  client: Pick<DispatchClient, 'get'>,
  results: readonly Followed[],
  timeoutSeconds?: number,
): Promise<{ statuses: Map<number, string>; errors: string[] }> {
  const followed = results.filter((r) => r.result !== 'deleted' && kindOf(r.kind));
  // One block for all of them: a line per resource.
  const progress = createProgress();
  // allSettled, not all: a failed poll must not leave the other polls running behind the error message.
  const outcomes = await Promise.allSettled(
    followed.map(async (r) => {
      const kind = kindOf(r.kind) as KindRef;
      // No status given: the bundle's answer has no `reason`, so even a settled status is fetched once.
      return { r, kind, settled: await followResource(kind, client, { name: r.name }, timeoutSeconds, progress) };
    }),
  );
  progress.stop();
  const statuses = new Map<number, string>();
  const errors: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') throw outcome.reason;
    const { r, kind, settled } = outcome.value;
    statuses.set(r.index, settled.status ?? 'UNKNOWN');
    if (settled.status === 'ERROR') errors.push(errorReport(kind, settled));
  }
  return { statuses, errors };
}
