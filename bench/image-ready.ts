// POST /v1/image -> READY for a small Python image, next to the same work done by hand with the docker CLI (the
// service's build context, `docker build`, `docker push`, the catalog listing), alternating, in one run. Also samples
// the memory of the API and worker processes. Needs the running stack (`npm start`).
//   npm run bench:image [-- ROUNDS]
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { prepareDefaultContext } from '../activities/build-context.js';
import { parseCatalog } from '../activities/catalog.js';
import { loadConfig } from '../config.js';
import { repositoryOf } from '../docker-reference.js';
import { workflowIdFor } from '../workflows/jobs.js';
import {
  apiClient,
  benchToken,
  apiText,
  median,
  memoryTable,
  run,
  sampleMemory,
  statsRow,
  tableHead,
  waitUntilReady,
  type Resource,
} from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig();
const rounds = Number(process.argv[2] ?? 3);
const org = `bench-${randomUUID().slice(0, 8)}`;
const baseName = 'bench-python3';
const token = await benchToken(org);
const call = apiClient(token);
const runDir = join(process.env.DISPATCH_STATE_DIR ?? join(root, '.stack'), 'run');
const SAMPLE_EVERY_MS = 200;
// Both sides: the same manifest and no system packages. A unique comment per build changes the build context's
// requirements.txt, so the pip layer is rebuilt every round while the layers before it come from the cache.
const SIX = { name: 'six', version: '1.16.0' };
const manifestFor = (id: string) => `# round ${id}\n${SIX.name}==${SIX.version}\n`;
const spec = (manifest: string) => ({ language: 'python3', runtimeManifest: manifest, systemPackages: [] });
const trust = { caBundlePath: config.BUILD_CA_BUNDLE };
const CATALOG_SCRIPT = readFileSync(join(root, 'activities/build-files/catalog.sh'), 'utf8');

const docker = (...args: string[]) => run('docker', args, { DOCKER_BUILDKIT: '0' });
// pip's last line: the step really ran (a layer cache hit would skip it and print nothing).
const installedSix = (log: string) => log.includes(`Successfully installed ${SIX.name}-${SIX.version}`);
const hasSix = (catalog: { ecosystem: string; name: string; version: string }[]) =>
  catalog.some((p) => p.ecosystem === 'pypi' && p.name.toLowerCase() === SIX.name && p.version === SIX.version);

const buildArgs = (args: Record<string, string>) =>
  Object.entries(args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);

type RawRound = { context: number; build: number; push: number; catalog: number; total: number; packages: number };

/**
 * What the worker does for one image, by hand: the service's own context (prepareDefaultContext: the Dockerfile, the
 * scripts, the CA bundle, the manifest), a legacy `docker build` like dockerode's (BuildKit off, --rm --force-rm),
 * `docker push`, then the catalog script in a container without network.
 */
async function rawRound(baseRef: string, tag: string): Promise<RawRound> {
  const start = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'bench-image-'));
  try {
    const context = await prepareDefaultContext(dir, baseRef, spec(manifestFor(randomUUID())), trust);
    const built = performance.now();
    const buildLog = await docker('build', '--rm', '--force-rm', '-t', tag, ...buildArgs(context.buildargs), dir);
    const pushed = performance.now();
    await docker('push', tag);
    const listed = performance.now();
    const output = await docker(
      'run',
      '--rm',
      '--network',
      'none',
      '--user',
      '0',
      '--entrypoint',
      '/bin/sh',
      tag,
      '-c',
      CATALOG_SCRIPT,
    );
    const end = performance.now();
    const catalog = parseCatalog(output);
    if (!installedSix(buildLog)) throw new Error(`raw build ${tag} did not run pip:\n${buildLog}`);
    if (!hasSix(catalog)) throw new Error(`raw build ${tag}: six ${SIX.version} is not in its catalog`);
    return {
      context: built - start,
      build: pushed - built,
      push: listed - pushed,
      catalog: end - listed,
      total: end - start,
      packages: catalog.length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type ServiceRound = { total: number; buildAndPush: number; recordCatalog: number; packages: number };

/** Started -> completed of each activity type in the image's workflow history, in ms (summed over attempts). */
async function activityTimes(temporal: Client, name: string): Promise<Record<string, number>> {
  const history = await temporal.workflow.getHandle(workflowIdFor('Image', org, name)).fetchHistory();
  const at = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
  const types = new Map<string, string>(); // scheduled event id -> activity type
  const started = new Map<string, number>();
  const times: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const begun = event.activityTaskStartedEventAttributes;
    const ended =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes;
    if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '?');
    if (begun) started.set(String(begun.scheduledEventId), at(event.eventTime));
    if (ended) {
      const id = String(ended.scheduledEventId);
      const type = types.get(id) ?? '?';
      times[type] = (times[type] ?? 0) + at(event.eventTime) - (started.get(id) ?? NaN);
    }
  }
  return times;
}

async function serviceRound(temporal: Client, name: string): Promise<ServiceRound> {
  const start = performance.now();
  const created = await call('POST', '/v1/image', {
    name,
    baseImageName: baseName,
    runtimeDependencies: { manifest: manifestFor(randomUUID()) },
    systemDependencies: { packages: [] },
  });
  if (created.status !== 'INITIALIZED') throw new Error(`POST /v1/image ${name}: ${JSON.stringify(created)}`);
  await waitUntilReady(call, `/v1/image/${name}`);
  const total = performance.now() - start;
  const { packages } = await call<{ packages: { ecosystem: string; name: string; version: string }[] }>(
    'GET',
    `/v1/image/${name}/catalog`,
  );
  const log = await apiText(token, `/v1/image/${name}/logs`);
  if (!installedSix(log)) throw new Error(`image ${name}: its build did not run pip:\n${log}`);
  if (!hasSix(packages)) throw new Error(`image ${name}: six ${SIX.version} is not in its catalog`);
  const times = await activityTimes(temporal, name);
  return {
    total,
    buildAndPush: times.buildAndPush ?? NaN,
    recordCatalog: times.recordCatalog ?? NaN,
    packages: packages.length,
  };
}

const memory = sampleMemory({ api: join(runDir, 'api.pid'), worker: join(runDir, 'worker.pid') }, SAMPLE_EVERY_MS);
const images: string[] = [];
const rawTags: string[] = [];
const raws: RawRound[] = [];
const services: ServiceRound[] = [];
let baseCreated = false;
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
try {
  const fixture = (await run(join(root, 'test/fixtures/base-image.sh'), ['python3'])).trim().split('\n').at(-1) ?? '';
  const posted = await call('POST', '/v1/baseimage', { name: baseName, dockerUrl: fixture, language: 'python3' });
  if (posted.status !== 'INITIALIZED') throw new Error(`POST /v1/baseimage: ${JSON.stringify(posted)}`);
  baseCreated = true;
  const base: Resource = await waitUntilReady(call, `/v1/baseimage/${baseName}`);
  if (!base.digest || !base.dockerUrl) throw new Error(`base image ${baseName} is READY without a digest`);
  const baseRef = `${repositoryOf(base.dockerUrl)}@${base.digest}`; // what the image workflow builds FROM

  // Untimed: the layers before the manifest (system packages, none here) are built once, so neither side pays them.
  const warmup = `${config.IMAGE_REGISTRY}/dispatch-bench/image-warmup-${randomUUID().slice(0, 8)}:1`;
  const dir = await mkdtemp(join(tmpdir(), 'bench-image-'));
  try {
    const context = await prepareDefaultContext(dir, baseRef, spec(''), trust);
    await docker('build', '--rm', '--force-rm', '-t', warmup, ...buildArgs(context.buildargs), dir);
    await docker('rmi', warmup);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  for (let round = 0; round < rounds; round++) {
    const tag = `${config.IMAGE_REGISTRY}/dispatch-bench/image-${randomUUID().slice(0, 8)}:${round}`;
    rawTags.push(tag);
    raws.push(await rawRound(baseRef, tag));
    const name = `bench-image-${round}`;
    images.push(name);
    services.push(await serviceRound(temporal, name));
  }

  const column = <K extends string>(xs: Record<K, number>[], key: K) => xs.map((x) => x[key]);
  const serviceTotals = column(services, 'total');
  const rawTotals = column(raws, 'total');
  console.log(
    `image POST -> READY vs the same build by hand with the docker CLI (${rounds} rounds, alternating; ` +
      `${SIX.name}==${SIX.version} and no system packages on ${fixture}, pinned to ${base.digest}; ` +
      `a unique manifest comment rebuilds the pip layer each round)`,
  );
  console.log(tableHead);
  console.log(statsRow('raw: build context (prepareDefaultContext)', column(raws, 'context')));
  console.log(statsRow('raw: docker build (legacy builder, like dockerode)', column(raws, 'build')));
  console.log(statsRow('raw: docker push', column(raws, 'push')));
  console.log(statsRow('raw: catalog (docker run --network none)', column(raws, 'catalog')));
  console.log(statsRow('**raw total**', rawTotals));
  console.log(statsRow('service: buildAndPush activity (worker)', column(services, 'buildAndPush')));
  console.log(statsRow('service: recordCatalog activity (worker)', column(services, 'recordCatalog')));
  console.log(
    statsRow(
      'service: the rest (API, Temporal tasks, Postgres writes, polling)',
      services.map((x) => x.total - x.buildAndPush - x.recordCatalog),
    ),
  );
  console.log(statsRow('**service: POST -> READY**', serviceTotals));
  console.log(
    `catalog entries: raw ${[...new Set(column(raws, 'packages'))].join('/')}, ` +
      `service ${[...new Set(column(services, 'packages'))].join('/')}`,
  );
  console.log(`ratio (median service / median raw): ${(median(serviceTotals) / median(rawTotals)).toFixed(2)}x`);
} finally {
  for (const name of images) await call('DELETE', `/v1/image/${name}`).catch(() => undefined);
  if (baseCreated) await call('DELETE', `/v1/baseimage/${baseName}`).catch(() => undefined);
  for (const tag of rawTags) await docker('rmi', tag).catch(() => undefined);
  await connection.close();
  console.log('');
  console.log(memoryTable(memory.stop(), SAMPLE_EVERY_MS));
}
