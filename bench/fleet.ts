// Fleet scale, against the running stack (`npm start`), in one run:
//   1. setup (untimed): a fresh org, the python3 fixture as base image, one real image built, then 9,999 copies of
//      it inserted in Postgres, each with a build of its own and a catalog of ~150 packages (~1.5 M catalog rows);
//   2. GET /v1/image?limit=100 under wrk from a second process (first page and a page from the middle);
//   3. GET /v1/packages?name=openssl with a dpkg range, under wrk;
//   4. dry runs over the 10,000 images, then over 100,000 (90,000 more copies);
//   5. a real batch over BATCH images of identical inputs (forced: one build, the others reuse it) to DONE, with
//      the largest history of any of its runs, against raw `docker tag` + `docker push` per image;
//   6. a markdown table with the machine; then the bench orgs' rows are deleted.
//   npm run bench:fleet [-- --batch 2500]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config.js';
import { connectDb } from '../db/client.js';
import { api, apiClient, benchToken, machine, median, run, waitUntilReady } from './lib.js';
import { wrk } from './wrk.js';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '2500' } } });
const BATCH = Number(values.batch);
const FLEET = 10_000;
const BIG_FLEET = 100_000;
const PACKAGES_PER_IMAGE = 150;
const LOAD_SECONDS = 10;
const LOAD_CONNECTIONS = 8;
const RAW_PUSHES = 10;

const root = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig();
const { pool } = connectDb(config.DATABASE_URL, 2);
const rows: [string, string, string, string][] = []; // measure, value, target, ratio to target or to raw docker
const seconds = (x: number) => `${(x / 1000).toFixed(2)} s`;

type Org = { org: string; token: string; call: ReturnType<typeof apiClient> };
type Rebuild = { id: string; status: string; dryRun: boolean; plan?: unknown[]; items?: Array<{ outcome: string }> };

async function openOrg(label: string): Promise<Org> {
  const org = `bench-${label}-${randomUUID().slice(0, 8)}`;
  const token = await benchToken(org);
  return { org, token, call: apiClient(token) };
}

/** The python3 fixture as base image `py` and one real image `seed` built on it (six pinned). */
async function seedImage({ call }: Org, fixture: string, note: string): Promise<void> {
  await call('POST', '/v1/baseimage', { name: 'py', dockerUrl: fixture, language: 'python3' });
  await waitUntilReady(call, '/v1/baseimage/py', 100);
  const manifest = `# bench fleet ${note}\nsix==1.16.0\n`;
  await call('POST', '/v1/image', { name: 'seed', baseImageName: 'py', runtimeDependencies: { manifest } });
  await waitUntilReady(call, '/v1/image/seed', 200);
}

/** `count` copies of `seed` named seed-N, each (when `ownBuilds`) with a build and a catalog of its own. */
async function copySeed(org: string, from: number, count: number, ownBuilds: boolean): Promise<void> {
  await pool.query(
    `insert into images (org, name, base_image_name, language, runtime_manifest, system_packages, status,
                         docker_url, digest, current_build_id)
     select org, 'seed-' || lpad(n::text, 6, '0'), base_image_name, language, runtime_manifest, system_packages,
            status, docker_url, digest, current_build_id
     from images, generate_series($2::int, $2::int + $3::int - 1) n where org = $1 and name = 'seed'`,
    [org, from, count],
  );
  if (!ownBuilds) return;
  await pool.query(
    `insert into builds (image_id, run_id, generation, trigger, inputs, inputs_sha256, outcome, docker_url, digest,
                         finished_at)
     select i.id, 'bench-' || i.id, 1, 'create', b.inputs, b.inputs_sha256, 'SUCCEEDED', b.docker_url, b.digest, now()
     from images i join builds b on b.id = i.current_build_id where i.org = $1 and i.name like 'seed-%'`,
    [org],
  );
  await pool.query(
    `update images i set current_build_id = b.id from builds b
     where b.image_id = i.id and i.org = $1 and i.name like 'seed-%'`,
    [org],
  );
  // ~150 packages per image: openssl at one of 20 patch levels, six from PyPI, and fake Debian libraries.
  await pool.query(
    `insert into catalog_packages (build_id, ecosystem, name, version)
     select i.current_build_id, 'deb', 'openssl', '3.0.' || (abs(hashtext(i.name)) % 20) || '-1~deb12u1'
     from images i where i.org = $1 and i.name like 'seed-%'
     union all
     select i.current_build_id, 'pypi', 'six', '1.16.0' from images i where i.org = $1 and i.name like 'seed-%'
     union all
     select i.current_build_id, 'deb', 'libbench' || k, '1.' || k || '-1'
     from images i, generate_series(1, $2::int - 2) k where i.org = $1 and i.name like 'seed-%'`,
    [org, PACKAGES_PER_IMAGE],
  );
}

/** A dry run timed from the POST to its plan (following it when the API answers 202). */
async function timedDryRun({ call }: Org): Promise<{ ms: number; planned: number }> {
  const start = performance.now();
  let answer = await call<Rebuild>('POST', '/v1/rebuilds', { selector: { all: true }, dryRun: true });
  while (!answer.plan && answer.status !== 'DONE') {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await call<Rebuild>('GET', `/v1/rebuilds/${answer.id}`);
  }
  const ms = performance.now() - start;
  return { ms, planned: (answer.plan ?? answer.items ?? []).length };
}

/** The history length of every run of a workflow, following its continue-as-new chain from the first run. */
async function runHistories(workflowId: string): Promise<number[]> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const latest = await client.workflow.getHandle(workflowId).describe();
    const lengths: number[] = [];
    let runId: string | undefined = latest.raw.workflowExecutionInfo?.firstRunId ?? undefined;
    while (runId) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      const events = history.events ?? [];
      lengths.push(events.length);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return lengths;
  } finally {
    await connection.close();
  }
}

/** Raw docker for one reused image: tag the built image under a new name and push it. */
async function rawTagAndPush(source: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RAW_PUSHES; i++) {
    const ref = `${config.IMAGE_REGISTRY}/dispatch-bench/raw-${randomUUID().slice(0, 8)}:1`;
    const start = performance.now();
    await run('docker', ['tag', source, ref]);
    await run('docker', ['push', ref]);
    times.push(performance.now() - start);
    await run('docker', ['rmi', ref]);
  }
  return times;
}

async function loadRow(label: string, url: string, token: string, targetP99: number, targetRps: number) {
  const r = await wrk({ url, token, connections: LOAD_CONNECTIONS, seconds: LOAD_SECONDS });
  if (!r) return rows.push([label, 'n/a', '', 'wrk is not installed (apt-get install -y wrk)']);
  const value = `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.rps.toFixed(0)} req/s, ${r.errors} errors`;
  const ratio = `p99 ${(r.p99 / targetP99).toFixed(2)}x, req/s ${(r.rps / targetRps).toFixed(2)}x of target`;
  rows.push([label, value, `p99 <= ${targetP99} ms at >= ${targetRps} req/s`, ratio]);
}

const fixture = (await run(join(root, 'test/fixtures/base-image.sh'), ['python3'])).trim().split('\n').at(-1) ?? '';
const fleet = await openOrg('fleet');
const batch = await openOrg('batch');
try {
  console.error(`setup: ${FLEET} images with ~${PACKAGES_PER_IMAGE} packages each in org ${fleet.org}`);
  await seedImage(fleet, fixture, fleet.org);
  await copySeed(fleet.org, 1, FLEET - 1, true);
  await pool.query('analyze images; analyze builds; analyze catalog_packages');

  const list = await fetch(`${api}/v1/image?limit=100`, { headers: { Authorization: `Bearer ${fleet.token}` } });
  const next = list.headers.get('link')?.match(/<([^>]+)>/)?.[1];
  await loadRow(
    `GET /v1/image?limit=100, first page (${FLEET} images)`,
    `${api}/v1/image?limit=100`,
    fleet.token,
    20,
    200,
  );
  if (next) await loadRow('GET /v1/image?limit=100, second page (cursor)', `${api}${next}`, fleet.token, 20, 200);
  await loadRow(
    `GET /v1/packages?name=openssl&version=<3.0.15 (${FLEET} catalogs)`,
    `${api}/v1/packages?name=openssl&ecosystem=deb&version=%3C3.0.15`,
    fleet.token,
    50,
    1,
  );

  const small = [];
  for (let i = 0; i < 3; i++) small.push(await timedDryRun(fleet));
  const smallMs = median(small.map((r) => r.ms));
  rows.push([
    `dry run over ${FLEET} images (median of 3, ${small[0]?.planned} planned)`,
    seconds(smallMs),
    '<= 2 s',
    `${(smallMs / 2000).toFixed(2)}x of target`,
  ]);
  console.error(`setup: ${BIG_FLEET - FLEET} more images`);
  await copySeed(fleet.org, FLEET, BIG_FLEET - FLEET, false);
  await pool.query('analyze images');
  const big = await timedDryRun(fleet);
  rows.push([
    `dry run over ${BIG_FLEET} images (${big.planned} planned)`,
    seconds(big.ms),
    '<= 15 s',
    `${(big.ms / 15000).toFixed(2)}x of target`,
  ]);

  console.error(`batch: ${BATCH} images of identical inputs in org ${batch.org}`);
  await seedImage(batch, fixture, batch.org);
  await copySeed(batch.org, 1, BATCH - 1, false);
  const start = performance.now();
  const started = await batch.call<Rebuild>('POST', '/v1/rebuilds', { selector: { all: true }, force: true });
  let done = started;
  while (done.status !== 'DONE') {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    done = await batch.call<Rebuild>('GET', `/v1/rebuilds/${started.id}`);
  }
  const batchMs = performance.now() - start;
  const outcomes = new Map<string, number>();
  for (const item of done.items ?? []) outcomes.set(item.outcome, (outcomes.get(item.outcome) ?? 0) + 1);
  const histories = await runHistories(`rebuild/${batch.org}/${started.id}`);
  const seed = await batch.call<{ dockerUrl: string }>('GET', '/v1/image/seed');
  const raw = median(await rawTagAndPush(seed.dockerUrl));
  const rawBatch = (BATCH * raw) / config.REBUILD_CONCURRENCY;
  rows.push([
    `real batch over ${BATCH} images of identical inputs, forced, to DONE`,
    `${seconds(batchMs)}; ${[...outcomes].map(([o, n]) => `${n} ${o}`).join(', ')}`,
    'DONE',
    `${(batchMs / rawBatch).toFixed(2)}x raw (docker tag + push ${raw.toFixed(0)} ms per image, ${config.REBUILD_CONCURRENCY} at a time)`,
  ]);
  rows.push([
    'its runs (continue-as-new) and their histories',
    `${histories.length} runs; largest history ${Math.max(...histories)} events`,
    '< 51,200 events per run',
    `${(Math.max(...histories) / 51_200).toFixed(2)}x of Temporal's limit`,
  ]);

  const about = await machine();
  console.log(
    [
      '| measure | value | target | ratio |',
      '| --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      ...Object.entries(about).map(([k, v]) => `- ${k}: ${v}`),
    ].join('\n'),
  );
} finally {
  for (const { org } of [fleet, batch]) {
    await pool.query('delete from rebuilds where org = $1', [org]);
    await pool.query('delete from images where org = $1', [org]);
    await pool.query('delete from base_images where org = $1', [org]);
    await pool.query('delete from api_tokens where org = $1', [org]);
  }
  await pool.end();
}
