// A small HTTP load generator for the API, meant to run in its own process (bench/rebuild-batch.ts starts it) so
// that its CPU is not the measured process's. CONNECTIONS loops each keep one keep-alive connection busy with GETs
// of the URLs in turn for SECONDS (after WARMUP seconds that are not recorded), timing every request from send to
// the last body byte with performance.now(). Prints one JSON line: requests, errors, requests/s and latencies in ms.
//   DISPATCH_BENCH_TOKEN=... tsx bench/api-load.ts --url URL [--url URL...] [--connections 8] [--seconds 10]
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', multiple: true },
    connections: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1' },
  },
});
const urls = (values.url ?? []).map((u) => new URL(u));
if (!urls.length) throw new Error('api-load: give at least one --url');
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const headers = { Authorization: `Bearer ${process.env.DISPATCH_BENCH_TOKEN ?? ''}` };
const agent = new Agent({ keepAlive: true, maxSockets: connections });

/** One GET, the body read to its end; answers the status code. */
function get(url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export type LoadResult = {
  connections: number;
  seconds: number;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
};

const latencies: number[] = [];
let errors = 0;
const begin = performance.now();
const recordFrom = begin + warmup * 1000;
const end = recordFrom + seconds * 1000;

async function loop(offset: number): Promise<void> {
  for (let i = offset; performance.now() < end; i++) {
    const url = urls[i % urls.length]!;
    const sent = performance.now();
    const ok = (await get(url).catch(() => 0)) === 200;
    const done = performance.now();
    if (sent < recordFrom) continue; // warm-up
    latencies.push(done - sent);
    if (!ok) errors++;
  }
}

await Promise.all(Array.from({ length: connections }, (_, i) => loop(i)));
const elapsed = (performance.now() - recordFrom) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
const result: LoadResult = {
  connections,
  seconds: elapsed,
  requests: latencies.length,
  errors,
  rps: latencies.length / elapsed,
  p50: at(50),
  p90: at(90),
  p99: at(99),
  max: latencies.at(-1) ?? NaN,
  mean: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1),
};
console.log(JSON.stringify(result));
