// `dispatch rebuild --wait`: follow a batch rebuild until it is DONE. Its status stays RUNNING for the whole batch,
// so the progress shown is the count of items per outcome, printed on stderr each time it changes.
import { HttpError, type DispatchClient } from './client.js';
import { createProgress } from './progress.js';
import { waitUntilSettled, type WaitOptions } from './wait.js';
import type { RebuildDetail, RebuildItem } from './api-types.js';

export const REBUILDS_PATH = '/v1/rebuilds';

/** What the wait shows: a rebuild's status (or STARTING before its row is written) and its items so far. */
type Progress = { status: string; items?: RebuildItem[] };

/** The order items go through; an outcome the CLI does not know yet is counted after these. */
const OUTCOME_ORDER = ['PLANNED', 'PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED'];

/** `RUNNING: 1 PENDING, 1 RUNNING, 2 SUCCEEDED`: the status, then the non-zero count of each outcome. */
export function progressLine({ status, items = [] }: Progress): string {
  const counts = new Map<string, number>();
  for (const { outcome } of items) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const rank = (outcome: string) => {
    const index = OUTCOME_ORDER.indexOf(outcome);
    return index < 0 ? OUTCOME_ORDER.length : index;
  };
  const parts = [...counts]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([outcome, count]) => `${count} ${outcome}`);
  return parts.length ? `${status}: ${parts.join(', ')}` : status;
}

/** ` (3/5 done)`: the items that reached an outcome of their own, out of those planned. */
function doneOfTotal({ items = [] }: Progress): string {
  if (!items.length) return '';
  const done = items.filter((i) => ['SUCCEEDED', 'FAILED', 'SKIPPED'].includes(i.outcome)).length;
  return ` (${done}/${items.length} done)`;
}

/** The items that failed, for the exit status of `rebuild --wait`. */
export const failedItems = (rebuild: Pick<Progress, 'items'>) =>
  (rebuild.items ?? []).filter((i) => i.outcome === 'FAILED');

/** Polls GET /v1/rebuilds/ID until DONE, printing each change of progress to stderr; answers the finished run. */
export async function followRebuild(
  client: Pick<DispatchClient, 'get'>,
  id: string,
  timeoutSeconds: number,
  options: Pick<WaitOptions<Progress>, 'sleep' | 'intervalMs'> = {},
): Promise<RebuildDetail> {
  const shown = createProgress();
  const fetchRun = async (): Promise<Progress> => {
    try {
      return await client.get<RebuildDetail>(`${REBUILDS_PATH}/${encodeURIComponent(id)}`);
    } catch (err) {
      // The API answers 202 once the workflow is started; its first activity writes the row a moment later.
      if (err instanceof HttpError && err.code === 404) return { status: 'STARTING' };
      throw err;
    }
  };
  const done = await waitUntilSettled(`rebuild ${id}`, fetchRun, {
    intervalMs: 2_000,
    ...options,
    timeoutMs: timeoutSeconds * 1000,
    progress: (run) => `${progressLine(run)}${doneOfTotal(run)}`,
    isSettled: (run) => run.status === 'DONE',
    onStatus: (line) => shown.update(`rebuild ${id}`, line),
  }).finally(() => shown.stop());
  // Only the API answers DONE, so the settled answer is a whole rebuild.
  return done as RebuildDetail;
}
