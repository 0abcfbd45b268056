// `--wait`: follow a resource until it settles. The service guarantees every resource converges to READY or ERROR,
// so polling is enough; the timeout only protects a script from waiting on a service that is down for good.

export type Settling = { status?: string; reason?: string[] | null };

export type WaitOptions<R> = {
  /** Called with the first status and every change after it (the CLI prints them to stderr). */
  onStatus: (status: string, resource: R) => void;
  /**
   * What is printed and compared between polls, and when to stop. Resources settle at READY or ERROR on their
   * status; a batch rebuild reports its per-outcome counts (which change while its status stays RUNNING) instead.
   */
  progress?: (resource: R) => string;
  isSettled?: (resource: R) => boolean;
  intervalMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

export const SETTLED_STATUSES: readonly string[] = ['READY', 'ERROR'];

export class WaitTimeoutError extends Error {
  constructor(what: string, status: string | undefined, timeoutMs: number) {
    super(`gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)}s (last status ${status ?? 'unknown'})`);
    this.name = 'WaitTimeoutError';
  }
}

/** Calls `fetchResource` until it settles (by default: status READY or ERROR) and answers it; fetch errors propagate. */
export async function waitUntilSettled<R extends Settling>(
  what: string,
  fetchResource: () => Promise<R>,
  options: WaitOptions<R>,
): Promise<R> {
  const { intervalMs = 1_000, timeoutMs = 600_000 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    const resource = await fetchResource();
    const status = options.progress?.(resource) ?? resource.status ?? 'UNKNOWN';
    if (status !== last) options.onStatus(status, resource);
    last = status;
    if (options.isSettled ? options.isSettled(resource) : SETTLED_STATUSES.includes(status)) return resource;
    if (now() >= deadline) throw new WaitTimeoutError(what, last, timeoutMs);
    await sleep(intervalMs);
  }
}
