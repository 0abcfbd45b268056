// POST -> READY for a small base image, next to a raw `docker pull` of the same image, measured in one run.
// Needs the running stack (`npm start`); prints a table and the ratio of medians.
//   npm run bench [-- ROUNDS]
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { apiClient, benchToken, dockerSync as docker, median, statsRow, tableHead, waitUntilReady } from './lib.js';

const org = `bench-${randomUUID().slice(0, 8)}`;
const rounds = Number(process.argv[2] ?? 5);
const call = apiClient(await benchToken(org));

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

async function postToReady(ref: string, name: string): Promise<number> {
  const start = performance.now();
  await call('POST', '/v1/baseimage', { name, dockerUrl: ref, language: 'python3' });
  await waitUntilReady(call, `/v1/baseimage/${name}`);
  return performance.now() - start;
}

const pulls: number[] = [];
const services: number[] = [];
for (let round = 0; round < rounds; round++) {
  const raw = freshReference();
  const start = performance.now();
  docker('pull', raw);
  pulls.push(performance.now() - start);
  docker('rmi', raw);
  const name = `bench-${round}`;
  services.push(await postToReady(freshReference(), name));
  await call('DELETE', `/v1/baseimage/${name}`); // also removes the service's local copy
}

console.log(
  `base image POST -> READY vs raw docker pull (${rounds} rounds, a fresh 16 MiB single-layer image each time)`,
);
console.log(tableHead);
console.log(statsRow('docker pull', pulls));
console.log(statsRow('POST -> READY', services));
console.log(`ratio (median POST -> READY / median docker pull): ${(median(services) / median(pulls)).toFixed(2)}x`);
