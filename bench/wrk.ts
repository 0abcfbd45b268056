import type { LoadResult } from './api-load.js';
import { run } from './lib.js';

export type WrkOptions = { url: string; token: string; connections?: number; seconds?: number; threads?: number };

/**
 * `wrk --latency` against `url` from its own process (its CPU is not the API's), with the bearer token: answers
 * its percentiles (50/90/99) and requests/s, or undefined when wrk is not installed (apt-get install -y wrk).
 * The load ends by itself after `seconds`.
 */
export async function wrk(options: WrkOptions): Promise<LoadResult | undefined> {
  const { url, token, connections = 8, seconds = 10, threads = 2 } = options;
  const found = await run('sh', ['-c', 'command -v wrk']).catch(() => '');
  if (!found.trim()) return undefined;
  const out = await run('wrk', [
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    '--latency',
    '-H',
    `Authorization: Bearer ${token}`,
    url,
  ]);
  const unit = { us: 0.001, ms: 1, s: 1000 } as const;
  const latency = (p: number) => {
    const m = out.match(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)$`, 'm'));
    return m ? Number(m[1]) * unit[m[2] as keyof typeof unit] : NaN;
  };
  return {
    connections,
    seconds,
    requests: Number(out.match(/(\d+) requests in/)?.[1] ?? NaN),
    errors: Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0),
    rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN),
    p50: latency(50),
    p90: latency(90),
    p99: latency(99),
    max: NaN,
    mean: NaN,
  };
}
