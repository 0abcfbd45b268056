// How cheap a page of a long list is: 10,000 READY images of one org, inserted straight into Postgres with fields of
// a realistic size (a 30-line requirements.txt, packages, tags), then `wrk --latency` on GET /v1/image?limit=100 of a
// running API (DISPATCH_API_URL). The rows are deleted afterwards.
//   DISPATCH_API_URL=http://127.0.0.1:8080 tsx bench/image-list.ts [--images 10000] [--connections 4] [--seconds 20]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../config.js';
import { connectDb } from '../db/client.js';
import { apiTokens, images } from '../db/schema.js';
import { ensureOrganization } from '../db/organizations.js';
import { createToken } from '../db/tokens.js';
import { api, run } from './lib.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '20' },
    path: { type: 'string', default: '/v1/image?limit=100' },
  },
});
const count = Number(values.images);
const org = `bench-list-${randomUUID().slice(0, 8)}`;
const { db, pool } = connectDb(loadConfig().DATABASE_URL, 2);

const manifest = Array.from({ length: 30 }, (_, i) => `package-number-${i}==1.${i}.0`).join('\n') + '\n';
const image = (i: number) => ({
  org,
  name: `svc-${String(i).padStart(5, '0')}`,
  status: 'READY' as const,
  baseImageName: 'python-3-12',
  language: 'python3',
  runtimeManifest: manifest,
  systemPackages: [{ name: 'curl' }, { name: 'libpq5', version: '15.8-0+deb12u1' }, { name: 'jq' }],
  tags: [
    { key: 'team', value: `team-${i % 17}` },
    { key: 'Application', value: `app-${i}` },
  ],
  dockerUrl: `127.0.0.1:5000/${org}/svc-${i}:1`,
  digest: `sha256:${'ab'.repeat(32)}`,
});

try {
  for (let from = 0; from < count; from += 1000) {
    await db.insert(images).values(Array.from({ length: Math.min(1000, count - from) }, (_, i) => image(from + i)));
  }
  await ensureOrganization(db, org);
  const { token } = await createToken(db, org, 'viewer', 'bench');
  const url = `${api}${values.path}`;
  const first = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  const bytes = (await first.text()).length;
  console.log(
    `${count} images in org ${org}; ${url}: ${first.status}, ${bytes} bytes, Link ${first.headers.get('Link') ? 'yes' : 'no'}`,
  );
  const args = [
    `-t${Math.min(2, Number(values.connections))}`,
    `-c${values.connections}`,
    `-d${values.seconds}s`,
    '--latency',
    '-H',
    `Authorization: Bearer ${token}`,
  ];
  console.log(`wrk ${args.slice(0, 4).join(' ')} -H 'Authorization: Bearer ...' ${url}`);
  console.log(await run('wrk', [...args, url]));
} finally {
  await db.delete(images).where(eq(images.org, org));
  await db.delete(apiTokens).where(eq(apiTokens.org, org));
  await pool.end();
}
