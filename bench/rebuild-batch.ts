// A batch rebuild after a base image moves, end to end against the running stack (`npm start`), in one run:
//   1. setup (untimed): a fresh org, base images A and B (fresh tags built FROM the python3 fixture), 20 images
//      (5 on A, 15 on B), each with its own manifest, all READY;
//   2. base A's tag moves (a new build pushed under the same tag);
//   3. dry runs: POST /v1/rebuilds dryRun:true must plan exactly the 5 images on A;
//   4. the batch, started through a rebuild schedule's trigger, timed from the trigger to DONE;
//   5. the same 5 builds by hand, one after another (`docker build` with the legacy builder + `docker push`);
//   6. GET latency and throughput of the API under load from a second process (bench/api-load.ts, and wrk if
//      installed);
//   7. a markdown table with the machine; then everything is deleted.
//   npm run bench:rebuild
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { prepareDefaultContext } from '../activities/build-context.js';
import { loadConfig } from '../config.js';
import { repositoryOf } from '../docker-reference.js';
import type { LoadResult } from './api-load.js';
import { wrk } from './wrk.js';
import {
  api,
  apiClient,
  apiText,
  benchToken,
  buildArgs,
  machine,
  median,
  pushDerivedImage,
  run,
  sleep,
  waitUntilReady,
} from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig();
const rand = randomUUID().slice(0, 8);
const org = `bench-${rand}`;
const token = await benchToken(org);
const call = apiClient(token);

const ON_A = 5;
const ON_B = 15;
const CONCURRENCY = config.REBUILD_CONCURRENCY; // what the API (same defaults, same environment) hands the batch
const SCHEDULE = 'bench-nightly';
const LOAD_SECONDS = 10;
const LOAD_CONNECTIONS = 8;
const POLL_MS = 100;
const SIX = { name: 'six', version: '1.16.0' };
const manifestFor = (id: string, i: number) => `# bench ${id} ${i}\n${SIX.name}==${SIX.version}\n`;
const trust = { caBundlePath: config.BUILD_CA_BUNDLE };
const docker = (...args: string[]) => run('docker', args, { DOCKER_BUILDKIT: '0' });
// pip's last line: the step really ran (a layer cache hit would skip it and print nothing).
const installedSix = (log: string) => log.includes(`Successfully installed ${SIX.name}-${SIX.version}`);
const seconds = (x: number) => `${(x / 1000).toFixed(1)} s`;
const msText = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const stats = (xs: number[]) =>
  `median ${seconds(median(xs))}, min ${seconds(Math.min(...xs))}, max ${seconds(Math.max(...xs))}`;

type PlanEntry = { imageName: string; baseImageName: string; rebuild: boolean; reason: string };
type RebuildItem = PlanEntry & { outcome: string | null; buildId: string | null };
type Rebuild = { id: string; trigger: string; status: string; items?: RebuildItem[] };
type Build = { id: string; trigger: string; outcome: string; rebuildId: string | null; durationMs: number | null };
type Image = { name: string; manifest: string; base: 'a' | 'b' };

const images: Image[] = [
  ...Array.from({ length: ON_A }, (_, i) => ({ name: `bench-a-${i}`, base: 'a' as const })),
  ...Array.from({ length: ON_B }, (_, i) => ({ name: `bench-b-${i}`, base: 'b' as const })),
].map((image, i) => ({ ...image, manifest: manifestFor(randomUUID(), i) }));
const onA = images.filter((i) => i.base === 'a').map((i) => i.name);
const baseRefs = {
  a: `${config.IMAGE_REGISTRY}/dispatch-bench/base-a-${rand}:1`,
  b: `${config.IMAGE_REGISTRY}/dispatch-bench/base-b-${rand}:1`,
};
const baseName = (base: 'a' | 'b') => `bench-base-${base}`;

const rows: [string, string, string][] = []; // measure, value, notes
const row = (measure: string, value: string, notes = '') => {
  rows.push([measure, value, notes]);
  console.log(`${measure}: ${value}${notes ? ` (${notes})` : ''}`);
};
const fail = (message: string): never => {
  throw new Error(message);
};

/** POST /v1/rebuilds dryRun, checked: exactly the images on A are planned, the others are unchanged. */
async function dryRun(): Promise<number> {
  const start = performance.now();
  const answer = await call<{ dryRun?: boolean; plan?: PlanEntry[] }>('POST', '/v1/rebuilds', {
    selector: { all: true },
    dryRun: true,
  });
  const elapsed = performance.now() - start;
  const plan = answer.plan ?? fail(`dry run: ${JSON.stringify(answer)}`);
  const planned = plan.filter((e) => e.rebuild).map((e) => e.imageName);
  const skipped = plan.filter((e) => !e.rebuild);
  if (JSON.stringify([...planned].sort()) !== JSON.stringify([...onA].sort()) || skipped.length !== ON_B) {
    fail(`dry run planned ${JSON.stringify(plan)}`);
  }
  for (const e of plan) {
    const expected = e.rebuild ? /^base image bench-base-a moved from \w{12} to \w{12}$/ : /^inputs unchanged since /;
    if (!expected.test(e.reason)) fail(`dry run: ${e.imageName}: unexpected reason ${e.reason}`);
  }
  return elapsed;
}

/** The service's batch: a schedule's trigger, then polling until its run is DONE. */
async function scheduledBatch() {
  const created = await call<{ name?: string }>('POST', '/v1/rebuildschedules', {
    name: SCHEDULE,
    cron: '0 3 * * *',
    selector: { all: true },
  });
  if (created.name !== SCHEDULE) fail(`POST /v1/rebuildschedules: ${JSON.stringify(created)}`);
  const start = performance.now();
  const triggered = await call<{ name?: string }>('POST', `/v1/rebuildschedules/${SCHEDULE}/trigger`);
  if (triggered.name !== SCHEDULE) fail(`trigger: ${JSON.stringify(triggered)}`);
  let id: string | undefined;
  let recorded = NaN;
  let running = NaN;
  for (;;) {
    if (!id) {
      const runs = await call<Rebuild[]>('GET', '/v1/rebuilds');
      id = runs.find((r) => r.trigger === `schedule ${SCHEDULE}`)?.id;
      if (id) recorded = performance.now() - start;
    }
    if (id) {
      const batch = await call<Rebuild>('GET', `/v1/rebuilds/${id}`);
      if (batch.status === 'RUNNING' && Number.isNaN(running)) running = performance.now() - start;
      if (batch.status === 'DONE') return { batch, wall: performance.now() - start, recorded, running };
    }
    if (performance.now() - start > 15 * 60_000) fail(`the scheduled rebuild ${id ?? '(not started)'} took > 15 min`);
    await sleep(POLL_MS);
  }
}

/** Checks the batch's outcomes and answers the rebuilt images' build durations (each build's pip step ran). */
async function checkBatch(batch: Rebuild, movedDigest: string): Promise<number[]> {
  const items = batch.items ?? [];
  const outcome = (name: string) => items.find((i) => i.imageName === name)?.outcome;
  const wrong = images.filter((i) => outcome(i.name) !== (i.base === 'a' ? 'SUCCEEDED' : 'SKIPPED'));
  if (items.length !== images.length || wrong.length) {
    fail(`batch ${batch.id}: unexpected outcomes ${JSON.stringify(items.map((i) => [i.imageName, i.outcome]))}`);
  }
  const durations: number[] = [];
  for (const name of onA) {
    const builds = await call<Build[]>('GET', `/v1/image/${name}/builds`);
    const build = builds.find((b) => b.rebuildId === batch.id) ?? fail(`${name}: no build of rebuild ${batch.id}`);
    if (build.outcome !== 'SUCCEEDED' || build.durationMs === null) fail(`${name}: ${JSON.stringify(build)}`);
    const log = await apiText(token, `/v1/image/${name}/builds/${build.id}/logs`);
    if (!installedSix(log)) fail(`${name}: the rebuild did not run pip:\n${log}`);
    const image = await call('GET', `/v1/image/${name}`);
    if (image.status !== 'READY') fail(`${name} is ${image.status} after the batch`);
    durations.push(build.durationMs ?? NaN);
  }
  const base = await call('GET', `/v1/baseimage/${baseName('a')}`);
  if (`${repositoryOf(baseRefs.a)}@${base.digest}` !== movedDigest) {
    fail(`base A's digest is ${base.digest}, the moved tag is ${movedDigest}`);
  }
  return durations;
}

/** The same 5 builds by hand, one after another: the service's context, legacy `docker build`, `docker push`. */
async function rawSequential(movedRef: string, tags: string[]) {
  const builds: number[] = [];
  const pushes: number[] = [];
  const start = performance.now();
  for (const [i, name] of onA.entries()) {
    const image = images.find((x) => x.name === name)!;
    const tag = `${config.IMAGE_REGISTRY}/dispatch-bench/rebuild-raw-${rand}:${i}`;
    tags.push(tag);
    const dir = await mkdtemp(join(tmpdir(), 'bench-rebuild-'));
    try {
      // A comment the service never built, so the pip layer is new on this base here too.
      const manifest = `# raw ${randomUUID()}\n${image.manifest}`;
      const context = await prepareDefaultContext(
        dir,
        movedRef,
        { language: 'python3', runtimeManifest: manifest, systemPackages: [] },
        trust,
      );
      const built = performance.now();
      const log = await docker('build', '--rm', '--force-rm', '-t', tag, ...buildArgs(context.buildargs), dir);
      if (!installedSix(log)) fail(`raw build ${tag} did not run pip:\n${log}`);
      const pushed = performance.now();
      await docker('push', tag);
      builds.push(pushed - built);
      pushes.push(performance.now() - pushed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { total: performance.now() - start, builds, pushes };
}

/** bench/api-load.ts in a second Node process (tsx as a loader), with the bench token in its environment. */
async function nodeLoad(url: string): Promise<LoadResult> {
  const out = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'bench/api-load.ts'),
      '--url',
      url,
      '--connections',
      String(LOAD_CONNECTIONS),
      '--seconds',
      String(LOAD_SECONDS),
    ],
    { DISPATCH_BENCH_TOKEN: token },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult;
}

const loadRow = (label: string, r: LoadResult) =>
  row(
    label,
    `p50 ${msText(r.p50)}, p99 ${msText(r.p99)}, ${r.rps.toFixed(0)} req/s`,
    `${r.requests} requests in ${r.seconds.toFixed(1)} s, ${r.connections} connections, ${r.errors} non-200`,
  );

let scheduleCreated = false;
const createdImages: string[] = [];
const createdBases: string[] = [];
const localTags: string[] = [];
try {
  // 1. Setup, untimed.
  const setupStart = performance.now();
  const fixture = (await run(join(root, 'test/fixtures/base-image.sh'), ['python3'])).trim().split('\n').at(-1) ?? '';
  localTags.push(baseRefs.a, baseRefs.b);
  // The first build of A stays behind untagged once A moves: removed by its digest at the end.
  localTags.push(await pushDerivedImage(fixture, baseRefs.a, `RUN echo "bench base A v1 ${rand}" > /etc/bench-base`));
  await pushDerivedImage(fixture, baseRefs.b, `RUN echo "bench base B v1 ${rand}" > /etc/bench-base`);
  for (const base of ['a', 'b'] as const) {
    const posted = await call('POST', '/v1/baseimage', {
      name: baseName(base),
      dockerUrl: baseRefs[base],
      language: 'python3',
    });
    if (posted.status !== 'INITIALIZED') fail(`POST /v1/baseimage ${baseName(base)}: ${JSON.stringify(posted)}`);
    createdBases.push(baseName(base));
    await waitUntilReady(call, `/v1/baseimage/${baseName(base)}`, 200);
  }
  // Five at a time, so the setup's builds do not all compete at once.
  for (let first = 0; first < images.length; first += 5) {
    const wave = images.slice(first, first + 5);
    for (const image of wave) {
      const posted = await call('POST', '/v1/image', {
        name: image.name,
        baseImageName: baseName(image.base),
        runtimeDependencies: { manifest: image.manifest },
        systemDependencies: { packages: [] },
      });
      if (posted.status !== 'INITIALIZED') fail(`POST /v1/image ${image.name}: ${JSON.stringify(posted)}`);
      createdImages.push(image.name);
    }
    await Promise.all(wave.map((image) => waitUntilReady(call, `/v1/image/${image.name}`, 250)));
  }
  const setup = performance.now() - setupStart;

  // 2. Base A's tag moves. Untimed: the layer before the manifest (the system packages step, empty here) is built
  // once on the moved base, so neither the service's first rebuild nor the raw side pays it.
  const movedRef = await pushDerivedImage(fixture, baseRefs.a, `RUN echo "bench base A v2 ${rand}" > /etc/bench-base`);
  const warmupDir = await mkdtemp(join(tmpdir(), 'bench-rebuild-'));
  const warmupTag = `${config.IMAGE_REGISTRY}/dispatch-bench/rebuild-warmup-${rand}:1`;
  try {
    const context = await prepareDefaultContext(
      warmupDir,
      movedRef,
      { language: 'python3', runtimeManifest: '', systemPackages: [] },
      trust,
    );
    await docker('build', '--rm', '--force-rm', '-t', warmupTag, ...buildArgs(context.buildargs), warmupDir);
    await docker('rmi', warmupTag);
  } finally {
    await rm(warmupDir, { recursive: true, force: true });
  }
  console.log(
    `setup: 2 base images and ${images.length} images READY in ${seconds(setup)}; base A moved to ${movedRef}`,
  );

  // 3. Dry runs (the first also records base A's new digest).
  const dryRuns = [await dryRun(), await dryRun(), await dryRun()];

  // 4. The batch through the schedule.
  scheduleCreated = true;
  const { batch, wall, recorded, running } = await scheduledBatch();
  const serviceBuilds = await checkBatch(batch, movedRef);

  // 5. The same builds by hand, one at a time.
  const raw = await rawSequential(movedRef, localTags);

  // 6. GETs under load from a second process, with nothing else running.
  const list = await call<unknown[]>('GET', '/v1/image');
  if (!Array.isArray(list) || list.length !== images.length) fail(`GET /v1/image: ${JSON.stringify(list)}`);
  const listUrl = `${api}/v1/image`;
  const oneUrl = `${api}/v1/image/${onA[0]}`;
  const loads: [string, LoadResult | undefined][] = [
    [`GET /v1/image (${images.length} images), api-load.ts`, await nodeLoad(listUrl)],
    [`GET /v1/image/NAME, api-load.ts`, await nodeLoad(oneUrl)],
    [
      `GET /v1/image (${images.length} images), wrk -t2`,
      await wrk({ url: listUrl, token, connections: LOAD_CONNECTIONS, seconds: LOAD_SECONDS }),
    ],
    [
      `GET /v1/image/NAME, wrk -t2`,
      await wrk({ url: oneUrl, token, connections: LOAD_CONNECTIONS, seconds: LOAD_SECONDS }),
    ],
  ];

  // 7. The report.
  console.log('');
  row('setup (untimed)', seconds(setup), `2 base images + ${images.length} images (5 on A, 15 on B) READY`);
  row(
    'dry run (POST dryRun:true)',
    `median ${msText(median(dryRuns))}`,
    `3 runs: ${dryRuns.map(msText).join(', ')}; plans ${ON_A} rebuilds and ${ON_B} unchanged; re-verifies 2 base tags`,
  );
  row(
    '**service batch: schedule trigger -> DONE**',
    seconds(wall),
    `${ON_A} SUCCEEDED, ${ON_B} SKIPPED; at most ${CONCURRENCY} builds at a time; run visible after ` +
      `${seconds(recorded)}, RUNNING after ${seconds(running)}`,
  );
  row(
    'service: each rebuild (build record durationMs)',
    stats(serviceBuilds),
    `sum ${seconds(serviceBuilds.reduce((a, b) => a + b, 0))}; build + push + catalog; pip ran in every one`,
  );
  row(
    '**raw: the same 5 builds sequentially (docker build + docker push)**',
    seconds(raw.total),
    `includes writing each build context; FROM ${movedRef.split('@')[1]?.slice(7, 19) ?? ''}; pip ran in every one`,
  );
  row('raw: each docker build (legacy builder)', stats(raw.builds));
  row('raw: each docker push', stats(raw.pushes));
  row(
    '**ratio: service batch / raw sequential**',
    `${(wall / raw.total).toFixed(2)}x`,
    `the batch runs ${CONCURRENCY} at a time, raw runs 1 at a time`,
  );
  row(
    'ratio: sum of service builds / raw sequential',
    `${(serviceBuilds.reduce((a, b) => a + b, 0) / raw.total).toFixed(2)}x`,
    'per-build work, ignoring the batch overlap',
  );
  for (const [label, result] of loads) {
    if (result) loadRow(label, result);
    else row(label, 'n/a', 'wrk is not installed (apt-get install -y wrk)');
  }
  const info = await machine();
  console.log('');
  console.log(
    `## batch rebuild after a base image moved (${images.length} images: ${ON_A} on the moved base A, ${ON_B} on B)`,
  );
  console.log('');
  console.log('| measure | value | notes |\n| --- | --- | --- |');
  for (const [measure, value, notes] of rows) console.log(`| ${measure} | ${value} | ${notes} |`);
  console.log('');
  console.log('| machine | |\n| --- | --- |');
  for (const [key, value] of Object.entries(info)) console.log(`| ${key} | ${value} |`);
} finally {
  if (scheduleCreated) await call('DELETE', `/v1/rebuildschedules/${SCHEDULE}`).catch(() => undefined);
  for (const name of createdImages) await call('DELETE', `/v1/image/${name}`).catch(() => undefined);
  for (const name of createdBases) await call('DELETE', `/v1/baseimage/${name}`).catch(() => undefined);
  for (const tag of localTags) await docker('rmi', tag).catch(() => undefined);
}
