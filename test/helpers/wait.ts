import type { TestService } from './service.js';

/** Polls `probe` until it answers a value (not undefined), or fails after `timeoutMs` with `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

type Settled = { status: string; reason: string[]; digest?: string | null; [field: string]: unknown };

/** Anything that calls the API as a test's org: a TestService, or a client of a running API process. */
type Caller = Pick<TestService, 'call'>;

/** Waits until a resource reaches READY or ERROR and answers it. */
function settled(service: Caller, kind: 'baseimage' | 'image', name: string, timeoutMs?: number): Promise<Settled> {
  return eventually(
    `${kind} ${name} to be READY or ERROR`,
    async () => {
      const { status, body } = await service.call('GET', `/v1/${kind}/${name}`);
      return status === 200 && ['READY', 'ERROR'].includes(body.status) ? (body as Settled) : undefined;
    },
    timeoutMs,
  );
}

export const settledBaseImage = (service: Caller, name: string, timeoutMs?: number) =>
  settled(service, 'baseimage', name, timeoutMs);

/** Image builds install real packages from the real registries: allow them minutes. */
export const settledImage = (service: Caller, name: string, timeoutMs = 170_000) =>
  settled(service, 'image', name, timeoutMs);
