// POST -> READY for a small base image, next to a raw `docker pull` of the same image, measured in one run.
// Needs the running stack (`npm start`); prints a table and the ratio of medians.
//   npm run bench [-- ROUNDS]
// What it measures: POST -> READY is the client's view, from sending the POST to the first GET that answers READY
// (a GET every POLL_MS, so it includes up to POLL_MS of polling lag and one GET). "READY written" is the server's own
// view, from Postgres: the row's modified_at (the READY write) minus its created_at (the insert), no polling in it.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config.js';
import { connectDb } from '../db/client.js';
import { apiClient, benchToken, dockerSync as docker, median, statsRow, tableHead, waitUntilReady } from './lib.js';

const org = `bench-${randomUUID().slice(0, 8)}`;
const rounds = Number(process.argv[2] ?? 5);
const call = apiClient(await benchToken(org));
const POLL_MS = 20;
const { pool } = connectDb(loadConfig().DATABASE_URL, 1);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const loadAtStart = load();

/**
 * A small image (one layer: 16 MiB of random bytes) under a fresh name, pushed and then removed locally: its layer is
 * unique, so both sides really download it instead of finding it on disk.
 */
function freshReference(): string {
  const ref = `127.0.0.1:5000/dispatch-bench/small-${randomUUID().slice(0, 8)}:1`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  writeFileSync(join(dir, 'payload'), randomBytes(16 * 1024 * 1024));
  execFileSync('tar', ['-C', dir, '-cf', join(dir, 'layer.tar'), 'payload']);
  docker('import', join(dir, 'layer.tar'), ref);
  rmSync(dir, { recursive: true });
  docker('push', ref);
  docker('rmi', ref);
  return ref;
}

async function postToReady(ref: string, name: string): Promise<{ client: number; written: number }> {
  const start = performance.now();
  await call('POST', '/v1/baseimage', { name, dockerUrl: ref, language: 'python3' });
  await waitUntilReady(call, `/v1/baseimage/${name}`, POLL_MS);
  const client = performance.now() - start;
  const { rows } = await pool.query<{ ms: string }>(
    'select extract(epoch from modified_at - created_at) * 1000 as ms from base_images where org = $1 and name = $2',
    [org, name],
  );
  return { client, written: Number(rows[0]?.ms) };
}

const pulls: number[] = [];
const services: number[] = [];
const written: number[] = [];
for (let round = 0; round < rounds; round++) {
  const raw = freshReference();
  const start = performance.now();
  docker('pull', raw);
  pulls.push(performance.now() - start);
  docker('rmi', raw);
  const name = `bench-${round}`;
  const measured = await postToReady(freshReference(), name);
  services.push(measured.client);
  written.push(measured.written);
  await call('DELETE', `/v1/baseimage/${name}`); // also removes the service's local copy
}

console.log(
  `base image POST -> READY vs raw docker pull (${rounds} rounds, a fresh 16 MiB single-layer image each time)`,
);
console.log(tableHead);
console.log(statsRow('docker pull', pulls));
console.log(statsRow(`POST -> READY (client: GET every ${POLL_MS} ms)`, services));
console.log(statsRow('READY written (Postgres: modified_at - created_at)', written));
console.log(`ratio (median POST -> READY / median docker pull): ${(median(services) / median(pulls)).toFixed(2)}x`);
console.log(`difference of medians (POST -> READY - docker pull): ${(median(services) - median(pulls)).toFixed(0)} ms`);
console.log(`load average (1, 5, 15 min): ${loadAtStart} at start, ${load()} at end`);
await pool.end();
