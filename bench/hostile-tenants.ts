// What the hostile-tenant limits cost, next to raw docker in the same run. Needs the running stack (`npm start`).
//   npm run bench:hostile [-- FLOOD_SIZE]
// 1. A build printing 64 MiB: bytes stored, worker and API RSS during the build and during GETs of its log, and
//    POST -> READY against the same `docker build` by hand.
// 2. A flooding org: another org's build POST -> READY on an idle service, then while one org has FLOOD_SIZE builds
//    queued (ORG_BUILD_CONCURRENCY of them running), against a raw `docker build` of the same context, idle.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { prepareDefaultContext } from '../activities/build-context.js';
import { loadConfig } from '../config.js';
import { connectDb } from '../db/client.js';
import {
  apiClient,
  apiText,
  benchToken,
  buildArgs,
  machine,
  memoryTable,
  run,
  sampleMemory,
  waitUntilReady,
} from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = loadConfig();
const floodSize = Number(process.argv[2] ?? 8);
const registry = config.IMAGE_REGISTRY;
const fixture = `${registry}/dispatch-fixtures/python3-base:bookworm`;
const runDir = join(process.env.DISPATCH_STATE_DIR ?? join(root, '.stack'), 'run');
const docker = (...args: string[]) => run('docker', args, { DOCKER_BUILDKIT: '0' });
/** docker with its output read and dropped: a 64 MiB build log is more than `run` keeps. */
const dockerDiscarding = (...args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn('docker', args, {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker ${args[0]} exited with ${code}`))));
  });
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await work();
  return [performance.now() - start, value];
}

/** A base image whose template prints 64 MiB (unique per run, so no layer cache), pushed; answers its ref. */
async function loudBase(dir: string): Promise<string> {
  await mkdir(join(dir, 'image-template'));
  const template = `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN echo ${randomUUID()}; head -c 67108864 /dev/zero | tr '\\000' a | fold -w 1023\n`;
  await writeFile(join(dir, 'image-template', 'Dockerfile'), template);
  await writeFile(
    join(dir, 'Dockerfile'),
    `FROM ${fixture}\nLABEL io.dispatchframework.imageTemplate=/image-template\nCOPY image-template /image-template\n`,
  );
  const ref = `${registry}/bench/loud-${randomUUID().slice(0, 8)}:1`;
  await docker('build', '-q', '-t', ref, dir);
  await docker('push', ref);
  return ref;
}

async function logCap() {
  const org = `bench-${randomUUID().slice(0, 8)}`;
  const token = await benchToken(org);
  const call = apiClient(token);
  const dir = await mkdtemp(join(tmpdir(), 'bench-loud-'));
  try {
    const ref = await loudBase(dir);
    await call('POST', '/v1/baseimage', { name: 'loud', dockerUrl: ref, language: 'python3' });
    await waitUntilReady(call, '/v1/baseimage/loud', 100);
    const during = sampleMemory({ worker: join(runDir, 'worker.pid'), api: join(runDir, 'api.pid') });
    const [service] = await timed(async () => {
      await call('POST', '/v1/image', { name: 'loud', baseImageName: 'loud' });
      return waitUntilReady(call, '/v1/image/loud', 100);
    });
    const buildMemory = during.stop();
    // Raw, after the service (whose build may use the layer cache): the same template by hand, without the cache,
    // its output read by the docker CLI as the worker reads the stream.
    const [raw] = await timed(() =>
      dockerDiscarding(
        'build',
        '--rm',
        '--force-rm',
        '--no-cache',
        '--build-arg',
        `BASE_IMAGE=${ref}`,
        join(dir, 'image-template'),
      ),
    );
    const reading = sampleMemory({ worker: join(runDir, 'worker.pid'), api: join(runDir, 'api.pid') });
    const logs = await Promise.all(Array.from({ length: 8 }, () => apiText(token, '/v1/image/loud/logs')));
    const readMemory = reading.stop();
    const { db, pool } = connectDb(config.DATABASE_URL, 1);
    const stored =
      await db.execute(sql`select coalesce(sum(octet_length(c.text)), 0)::bigint as bytes, count(*)::int as chunks
      from build_log_chunks c join builds b on b.id = c.build_id join images i on i.id = b.image_id
      where i.org = ${org} and i.name = 'loud'`);
    await pool.end();
    const { bytes, chunks } = stored.rows[0] as { bytes: string; chunks: number };
    console.log(`\n### A build printing 64 MiB (BUILD_LOG_MAX_BYTES ${config.BUILD_LOG_MAX_BYTES})\n`);
    console.log('| measure | value |\n| --- | --- |');
    console.log(`| log stored in Postgres | ${bytes} bytes in ${chunks} chunks |`);
    console.log(`| one GET .../logs answer | ${Buffer.byteLength(logs[0] ?? '')} bytes |`);
    console.log(`| raw \`docker build\` of the template | ${seconds(raw)} |`);
    console.log(`| POST /v1/image -> READY (build, push, catalog) | ${seconds(service)} |`);
    console.log(`| ratio service / raw | ${(service / raw).toFixed(2)}x |`);
    console.log(`\nMemory during the build:\n\n${memoryTable(buildMemory)}`);
    console.log(`\nMemory during 8 concurrent GETs of its log:\n\n${memoryTable(readMemory)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sixImage = (name: string) => ({
  name,
  baseImageName: 'py',
  runtimeDependencies: { manifest: `# ${randomUUID()}\nsix==1.16.0\n` },
});

async function flood() {
  const victim = apiClient(await benchToken(`bench-${randomUUID().slice(0, 8)}`));
  const flooder = apiClient(await benchToken(`bench-${randomUUID().slice(0, 8)}`));
  for (const call of [victim, flooder]) {
    await call('POST', '/v1/baseimage', { name: 'py', dockerUrl: fixture, language: 'python3' });
    await waitUntilReady(call, '/v1/baseimage/py', 100);
  }
  // Raw reference: the service's own context, built by hand, idle.
  const dir = await mkdtemp(join(tmpdir(), 'bench-flood-'));
  const spec = { language: 'python3', runtimeManifest: `# ${randomUUID()}\nsix==1.16.0\n`, systemPackages: [] };
  const context = await prepareDefaultContext(dir, fixture, spec, { caBundlePath: config.BUILD_CA_BUNDLE });
  const [raw] = await timed(() => docker('build', '--rm', '--force-rm', ...buildArgs(context.buildargs), dir));
  await rm(dir, { recursive: true, force: true });

  const buildOnce = async (name: string) =>
    (
      await timed(async () => {
        await victim('POST', '/v1/image', sixImage(name));
        return waitUntilReady(victim, `/v1/image/${name}`, 100);
      })
    )[0];
  const idle = await buildOnce('idle');
  for (let i = 0; i < floodSize; i++) await flooder('POST', '/v1/image', sixImage(`flood-${i}`));
  const flooded = await buildOnce('during-flood');
  const [drain] = await timed(() =>
    Promise.all(Array.from({ length: floodSize }, (_, i) => waitUntilReady(flooder, `/v1/image/flood-${i}`, 200))),
  );
  console.log(
    `\n### Another org's build while one org floods (${floodSize} builds, ORG_BUILD_CONCURRENCY ${config.ORG_BUILD_CONCURRENCY})\n`,
  );
  console.log('| measure | value | ratio to raw |\n| --- | --- | --- |');
  console.log(`| raw \`docker build\` of the same context, idle | ${seconds(raw)} | 1.00x |`);
  console.log(`| POST -> READY, idle service | ${seconds(idle)} | ${(idle / raw).toFixed(2)}x |`);
  console.log(`| POST -> READY, during the flood | ${seconds(flooded)} | ${(flooded / raw).toFixed(2)}x |`);
  console.log(`| the flood's remaining builds, after | ${seconds(drain)} | |`);
}

console.log(`## npm run bench:hostile -- ${floodSize}\n`);
for (const [key, value] of Object.entries(await machine())) console.log(`- ${key}: ${value}`);
await logCap();
await flood();
