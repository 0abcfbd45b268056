// The fleet-wide package query (GET /v1/packages) over a fleet-sized catalog: 10,000 images of one org, each with a
// successful build of ~150 packages (~1.5 M catalog rows), and 1,000 images of a second org holding the same
// packages (which must never show). Rows go straight into Postgres; the API is served in this process on a free port
// and loaded by `wrk` (apt-get install -y wrk), a separate process: one connection, then 2 threads with 8 keep-alive
// connections, 10 s per query.
//   npm run bench:packages [-- --keep]      (--keep leaves the seeded orgs for EXPLAIN; a second run reuses them)
// Prints p50/p90/p99 and requests/s per query. The seeded orgs are removed afterwards unless --keep.
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.js';
import { loadConfig } from '../config.js';
import { applyMigrations, connectDb } from '../db/client.js';
import { ensureOrganization } from '../db/organizations.js';
import { createToken } from '../db/tokens.js';
import { createLogger } from '../logger.js';
import { wrk } from './wrk.js';

const ORG = 'bench-packages';
const OTHER_ORG = 'bench-packages-other';
const IMAGES = 10_000;
const keep = process.argv.includes('--keep');
const config = loadConfig();
const database = connectDb(config.DATABASE_URL, 4);
const { pool } = database;

/**
 * One org's images, builds and catalogs, in set-based SQL (seconds, not minutes). Each catalog: 80 deb packages
 * every image has (openssl among them, in four versions), 20 more from a pool of 200, 40 pypi packages from a pool
 * of 1,000 (requests in half the images, PyYAML in a tenth), 10 npm packages from 500 (@types/node in a fifth).
 */
async function seed(org: string, count: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into base_images (org, name, docker_url, language, status) values ($1, 'py', 'bench/none:1', 'python3', 'READY')`,
      [org],
    );
    await client.query(
      `insert into images (org, name, base_image_name, language, status)
       select $1, 'app-' || lpad(i::text, 5, '0'), 'py', 'python3', 'READY' from generate_series(1, $2) i`,
      [org, count],
    );
    await client.query(
      `insert into builds (image_id, run_id, generation, trigger, outcome, digest, docker_url, finished_at)
       select id, 'bench-' || id, 1, 'create', 'SUCCEEDED', 'sha256:' || md5(id::text) || md5(name), 'bench/' || name, now()
       from images where org = $1`,
      [org],
    );
    await client.query(
      `update images i set current_build_id = b.id from builds b where b.image_id = i.id and i.org = $1`,
      [org],
    );
    // n: the image's number, for spreading the optional packages.
    const perImage = `with img as (
        select current_build_id as build, substr(name, 5)::int as n from images where org = $1
      )`;
    const catalog = (select: string) =>
      client.query(`${perImage} insert into catalog_packages (build_id, ecosystem, name, version) ${select}`, [org]);
    await catalog(`select build, 'deb', case k when 1 then 'openssl' when 2 then 'libssl3' else 'libdeb' || k end,
        case when k <= 2 then (array['3.0.11-1~deb12u2', '3.0.13-1~deb12u1', '3.0.15-1~deb12u1', '1:3.1.0-1'])[n % 4 + 1]
             else '1.' || k || '-' || (n % 7) end
      from img, generate_series(1, 80) k`);
    await catalog(`select build, 'deb', 'libextra' || ((n * 7 + k * 13) % 200), '2.' || k
      from img, generate_series(1, 20) k on conflict do nothing`);
    await catalog(`select build, 'pypi', case when k = 1 and n % 2 = 0 then 'requests' when k = 2 and n % 10 = 0 then 'PyYAML'
        else 'py_lib' || ((n * 31 + k * 17) % 1000) end, (k % 5) || '.' || (n % 9) || '.0'
      from img, generate_series(1, 40) k on conflict do nothing`);
    await catalog(`select build, 'npm', case when k = 1 and n % 5 = 0 then '@types/node' else 'npm-lib' || ((n * 11 + k * 29) % 500) end,
        (k % 4) || '.' || (n % 12) || '.' || (n % 3) || case when n % 10 = 3 then '-beta.1' else '' end
      from img, generate_series(1, 10) k on conflict do nothing`);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}

async function seeded(org: string): Promise<boolean> {
  const { rows } = await pool.query('select count(*)::int as n from images where org = $1', [org]);
  return rows[0].n > 0;
}

async function removeOrg(org: string): Promise<void> {
  // Builds and catalogs go with their images (on delete cascade).
  await pool.query('delete from images where org = $1', [org]);
  await pool.query('delete from base_images where org = $1', [org]);
  await pool.query('delete from api_tokens where org = $1', [org]);
}

await applyMigrations(pool);
const started = Date.now();
for (const [org, count] of [
  [ORG, IMAGES],
  [OTHER_ORG, IMAGES / 10],
] as const) {
  if (!(await seeded(org))) await seed(org, count);
}
await pool.query('analyze images; analyze builds; analyze catalog_packages');
const { rows } = await pool.query(
  `select count(*)::int as n from catalog_packages p join images i on i.current_build_id = p.build_id where i.org = $1`,
  [ORG],
);
console.log(`seeded: ${IMAGES} images, ${rows[0].n} catalog rows in ${ORG} (${(Date.now() - started) / 1000}s)`);

const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const app = createApp({
  config,
  database,
  temporal: new Client({ connection }),
  starter: { client: new Client({ connection }), taskQueue: 'bench-packages-unused' } as never,
  logger: createLogger('bench', 'error'),
});
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
await new Promise<void>((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/packages`;
await ensureOrganization(database.db, ORG);
const { token } = await createToken(database.db, ORG, 'viewer', 'bench');

const queries = [
  'name=openssl', // every image: a full page at once
  'name=openssl&ecosystem=deb&version=%3C3.0.15', // three in four images, filtered in JS
  'name=openssl&version=%3E%3D3.0.13%2C%3C3.0.15', // one in four
  'name=pyyaml&ecosystem=pypi', // a tenth, looked up by its normalised name
  'name=%40types%2Fnode&version=%3E%3D1.0.0-0', // a fifth, scoped npm
  'name=py-lib7&limit=1000', // a pool package, the largest page
  'name=nothing-has-this', // no image
];
console.log(
  '\n| query | connections | p50 | p90 | p99 | req/s | non-2xx |\n| --- | --- | --- | --- | --- | --- | --- |',
);
try {
  // One client alone (the latency of a query), then eight at once (the API and Postgres under load).
  for (const connections of [1, 8]) {
    for (const query of queries) {
      const r = await wrk({ url: `${base}?${query}`, token, connections, threads: Math.min(2, connections) });
      if (!r) throw new Error('wrk is not installed (apt-get install -y wrk)');
      const ms = (x: number) => `${x.toFixed(2)}ms`;
      const cells = [connections, ms(r.p50), ms(r.p90), ms(r.p99), r.rps.toFixed(0), r.errors].join(' | ');
      console.log(`| \`${decodeURIComponent(query)}\` | ${cells} |`);
    }
  }
} finally {
  await new Promise((resolve) => server.close(resolve));
  await connection.close();
  if (!keep) for (const org of [ORG, OTHER_ORG]) await removeOrg(org);
  await pool.end();
}
