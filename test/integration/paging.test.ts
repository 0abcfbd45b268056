import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, baseImages, builds, images, rebuilds, rebuildSchedules } from '../../db/schema.js';
import { ensureOrganization } from '../../db/organizations.js';
import { createToken } from '../../db/tokens.js';
import { startTestService, type TestService } from '../helpers/service.js';

// Paged lists against the real API and Postgres: `?limit=` and `?cursor=`, a JSON array per page and
// `Link: <...>; rel="next"` while more follow. Rows are inserted straight into Postgres (no builds), with timestamps
// that tie and differ by microseconds only, so that a cursor read through a JS Date (milliseconds) would show.
// No worker: nothing here needs a workflow.

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ worker: false });
});
afterAll(() => service?.close());

type Page = {
  status: number;
  body: { id?: string; name?: string; message?: string }[] & { message?: string };
  next?: string;
};

/** GET as the org's admin (or with `token`), with the page's next link. */
async function get(path: string, token = service.tokens.admin): Promise<Page> {
  const response = await service.app.request(path, { headers: { Authorization: `Bearer ${token}` } });
  const link = response.headers.get('Link');
  const next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
  if (link) expect(next, `Link header ${link}`).toBeDefined();
  return { status: response.status, body: (await response.json()) as Page['body'], next };
}

/** Every page of a list, following the links from `path`. */
async function walk(path: string, token?: string) {
  const pages: Page['body'][] = [];
  for (let next: string | undefined = path; next;) {
    const page = await get(next, token);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    pages.push(page.body);
    // A cursor that does not advance would loop for ever: fail at once instead.
    expect(page.next, 'the next link repeats this page').not.toBe(next);
    expect(pages.length, 'more pages than rows').toBeLessThanOrEqual(COUNT + 1);
    next = page.next;
  }
  return pages;
}

const padded = (i: number) => String(i).padStart(3, '0');
/** A timestamp `i` microseconds after a fixed instant, as Postgres text: three rows share each millisecond. */
const micros = (i: number) => `2026-03-04 05:06:07.${String(100_000 + i).slice(1)}+00`;
const COUNT = 150;

type ListCase = {
  what: string;
  path: string;
  /** How 400 messages name the list. */
  label: string;
  /** Inserts the rows and answers the ids (or names) of the listed items in the order the list must give. */
  seed: () => Promise<string[]>;
  id: (item: { id?: string; name?: string }) => string | undefined;
};

const byTimeThenId = (direction: 1 | -1) => (a: { at: string; id: string }, b: { at: string; id: string }) =>
  direction * (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1);

/** Rows whose times tie in threes, in a shuffled insertion order; answers them sorted by (time, id). */
function timedRows(direction: 1 | -1) {
  const rows = Array.from({ length: COUNT }, (_, i) => ({ id: randomUUID(), at: micros(Math.floor(i / 3)) }));
  const inserted = [...rows].sort(() => Math.random() - 0.5);
  return { inserted, ordered: [...rows].sort(byTimeThenId(direction)).map((r) => r.id) };
}

let imageId: string;
const lists: ListCase[] = [
  {
    what: 'base images',
    path: '/v1/baseimage',
    label: 'base image list',
    id: (item) => item.name,
    async seed() {
      const names = Array.from({ length: COUNT }, (_, i) => `base-${padded(i)}`);
      await service.database.db
        .insert(baseImages)
        .values(
          [...names].reverse().map((name) => ({ org: service.org, name, dockerUrl: 'x:1', language: 'python3' })),
        );
      return names;
    },
  },
  {
    what: 'images',
    path: '/v1/image',
    label: 'image list',
    id: (item) => item.name,
    async seed() {
      const names = Array.from({ length: COUNT }, (_, i) => `img-${padded(i)}`);
      const rows = await service.database.db
        .insert(images)
        .values(
          [...names]
            .reverse()
            .map((name) => ({ org: service.org, name, baseImageName: 'base-000', language: 'python3' })),
        )
        .returning({ id: images.id });
      imageId = rows[0]!.id;
      return names;
    },
  },
  {
    what: 'builds',
    path: '/v1/image/img-149/builds',
    label: 'image img-149',
    id: (item) => item.id,
    async seed() {
      const { inserted, ordered } = timedRows(-1);
      await service.database.db.insert(builds).values(
        inserted.map(({ id, at }) => ({
          id,
          imageId,
          runId: randomUUID(),
          generation: 1,
          trigger: 'create',
          outcome: 'SUCCEEDED' as const,
          startedAt: sqlTime(at),
        })),
      );
      return ordered;
    },
  },
  {
    what: 'rebuilds',
    path: '/v1/rebuilds',
    label: 'rebuild list',
    id: (item) => item.id,
    async seed() {
      const { inserted, ordered } = timedRows(-1);
      await service.database.db.insert(rebuilds).values(
        inserted.map(({ id, at }) => ({
          id,
          org: service.org,
          selector: { all: true as const },
          dryRun: true,
          trigger: 'api',
          createdAt: sqlTime(at),
        })),
      );
      return ordered;
    },
  },
  {
    what: 'tokens',
    path: '/v1/token',
    label: 'token list',
    id: (item) => item.id,
    async seed() {
      // The service's own three tokens were created now, after every seeded one: they come last, in their order.
      const own = await service.database.db
        .select({ id: apiTokens.id })
        .from(apiTokens)
        .where(eq(apiTokens.org, service.org))
        .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
      expect(own).toHaveLength(3);
      const { inserted, ordered } = timedRows(1);
      await service.database.db.insert(apiTokens).values(
        inserted.map(({ id, at }) => ({
          id,
          org: service.org,
          role: 'viewer' as const,
          name: 'same name',
          tokenSha256: randomUUID(),
          createdAt: sqlTime(at),
        })),
      );
      return [...ordered, ...own.map((t) => t.id)];
    },
  },
];

/** A Postgres timestamp where drizzle's type wants a Date: the SQL text keeps the microseconds a Date would lose. */
function sqlTime(text: string) {
  return sql`${text}::timestamptz` as unknown as Date;
}

/** A random id that sorts above (1) or below (-1) `id`, as Postgres compares uuids (bytewise, like the hex text). */
function idBeside(id: string, side: 1 | -1): string {
  for (;;) {
    const candidate = randomUUID();
    if (side * (candidate < id ? -1 : 1) > 0 && candidate !== id) return candidate;
  }
}

describe('paged lists', () => {
  const seeded = new Map<string, string[]>();
  beforeAll(async () => {
    for (const list of lists) seeded.set(list.what, await list.seed());
  });

  it.each(lists)('$what: 100 by default, a Link to the rest, every row once in order', async (list) => {
    const first = await get(list.path);
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(100);
    expect(first.next).toMatch(new RegExp(`^${list.path}\\?cursor=[A-Za-z0-9_-]+$`));
    const pages = await walk(list.path);
    expect(pages.map((p) => p.length)).toEqual([100, seeded.get(list.what)!.length - 100]);
    expect(pages.flat().map(list.id)).toEqual(seeded.get(list.what));
  });

  it.each(lists)('$what: small pages keep the query and give the same rows', async (list) => {
    const pages = await walk(`${list.path}?limit=7`);
    expect(pages.every((p) => p.length === 7 || p === pages.at(-1))).toBe(true);
    expect(pages.flat().map(list.id)).toEqual(seeded.get(list.what));
    const link = (await get(`${list.path}?limit=7`)).next!;
    expect(new URL(link, 'http://x').searchParams.get('limit')).toBe('7');
  });

  it.each(lists)('$what: the last page has no Link; limit=1000 fits all', async (list) => {
    const all = await get(`${list.path}?limit=1000`);
    expect(all.next).toBeUndefined();
    expect(all.body.map(list.id)).toEqual(seeded.get(list.what));
  });

  it.each(lists)('$what: a bad limit or cursor is a 400 naming the field', async (list) => {
    for (const [query, field, rule] of [
      ['limit=1001', 'limit', 'must be at most 1000'],
      ['limit=0', 'limit', 'must be at least 1'],
      ['limit=2.5', 'limit', 'must be a whole number'],
      ['limit=many', 'limit', 'must be a whole number'],
      ['cursor=garbage', 'cursor', 'is not a cursor this server gave'],
      ['cursor=a.b', 'cursor', 'is not a cursor this server gave'],
    ]) {
      const answer = await get(`${list.path}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.message, query).toContain(`${field}: ${rule}`);
      expect(answer.body.message, query).toContain(list.label);
    }
  });

  it.each(lists)(
    '$what: an edited cursor (wrong size, impossible values) is a 400, not a database error',
    async (list) => {
      const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
      for (const key of [
        [],
        ['a', 'b', 'c'],
        [1],
        ['2026-02-30T00:00:00.000000Z', randomUUID()],
        ['0000-01-01T00:00:00.000000Z', randomUUID()],
        ['2026-01-01T00:00:00.000000Z', 'not-a-uuid'],
        ['2026-01-01 00:00:00', randomUUID()],
        ['nul\u0000'],
      ]) {
        const answer = await get(`${list.path}?cursor=${forged(key)}`);
        expect(answer.status, JSON.stringify(key)).toBe(400);
        expect(answer.body.message).toContain('cursor: is not a cursor this server gave');
      }
    },
  );

  it('a cursor of one list is refused by a list of another key', async () => {
    const imageCursor = new URL((await get('/v1/image?limit=1')).next!, 'http://x').searchParams.get('cursor');
    const answer = await get(`/v1/rebuilds?cursor=${imageCursor}`);
    expect(answer).toMatchObject({
      status: 400,
      body: { message: 'rebuild list: cursor: is not a cursor this server gave' },
    });
  });

  it('names the resource in the message of the image list', async () => {
    const answer = await get('/v1/image?limit=1001');
    expect(answer.body.message).toBe('image list: limit: must be at most 1000');
  });

  it('keeps the filters in the Link', async () => {
    await service.database.db
      .update(images)
      .set({ status: 'READY' })
      .where(and(eq(images.org, service.org), sql`${images.name} like 'img-0%'`));
    const first = await get('/v1/image?status=READY&limit=40');
    const next = new URL(first.next!, 'http://x').searchParams;
    expect(next.get('status')).toBe('READY');
    const pages = await walk('/v1/image?status=READY&limit=40');
    expect(pages.map((p) => p.length)).toEqual([40, 40, 20]);
    expect(pages.flat().every((i) => i.name!.startsWith('img-0'))).toBe(true);
  });

  it('builds?limit=1 answers the latest build alone', async () => {
    const latest = await get('/v1/image/img-149/builds?limit=1');
    expect(latest.body.map((b) => b.id)).toEqual(seeded.get('builds')!.slice(0, 1));
  });

  it('pages rebuild schedules by name (each page asks Temporal about its own schedules only)', async () => {
    const names = ['s-a', 's-b', 's-c', 's-d', 's-e'];
    await service.database.db
      .insert(rebuildSchedules)
      .values(
        [...names]
          .reverse()
          .map((name) => ({ org: service.org, name, cron: '0 3 * * *', selector: { all: true as const } })),
      );
    const pages = await walk('/v1/rebuildschedules?limit=2');
    expect(pages.map((p) => p.map((s) => s.name))).toEqual([['s-a', 's-b'], ['s-c', 's-d'], ['s-e']]);
    expect((await get('/v1/rebuildschedules')).next).toBeUndefined();
    expect((await get('/v1/rebuildschedules?limit=1001')).body.message).toBe(
      'rebuild schedule list: limit: must be at most 1000',
    );
    expect((await get('/v1/rebuildschedules?cursor=x')).status).toBe(400);
  });
});

describe('a page boundary under concurrent inserts', () => {
  let other: { org: string; token: string };
  beforeAll(async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    await ensureOrganization(service.database.db, org);
    other = { org, token: (await createToken(service.database.db, org, 'admin', 'paging')).token };
  });

  it('by name: rows inserted before and after the cursor meanwhile neither repeat nor hide the others', async () => {
    const insert = (names: string[]) =>
      service.database.db
        .insert(images)
        .values(names.map((name) => ({ org: other.org, name, baseImageName: 'b', language: 'python3' })));
    const existing = Array.from({ length: 20 }, (_, i) => `n-${padded(i * 10)}`); // n-000, n-010 ... n-190
    await insert(existing);

    const first = await get('/v1/image?limit=8', other.token);
    expect(first.body.map((i) => i.name)).toEqual(existing.slice(0, 8)); // the cursor is n-070
    // Between the pages: new names before the cursor (the first page's range), at its edge and after it.
    await insert(['n-001', 'n-069', 'n-071', 'n-105', 'n-999']);
    // And a first-page row is deleted: nothing after it moves.
    await service.database.db.delete(images).where(and(eq(images.org, other.org), eq(images.name, 'n-030')));

    const rest = (await walk(first.next!, other.token)).flat().map((i) => i.name);
    const earlier = first.body.map((i) => i.name);
    expect(rest.filter((name) => earlier.includes(name))).toEqual([]); // no duplicates
    expect(new Set(rest).size).toBe(rest.length);
    expect(existing.slice(8).filter((name) => !rest.includes(name))).toEqual([]); // no pre-existing row skipped
    expect(rest).not.toContain('n-001');
    expect(rest).not.toContain('n-069');
    expect(rest).toEqual([...existing.slice(8), 'n-071', 'n-105', 'n-999'].sort());
  });

  it('by (time, id), newest first: inserts at the same microsecond as the cursor land on the right side', async () => {
    const [image] = await service.database.db
      .insert(images)
      .values({ org: other.org, name: 'timed', baseImageName: 'b', language: 'python3' })
      .returning({ id: images.id });
    const insert = (rows: { id: string; at: string }[]) =>
      service.database.db.insert(builds).values(
        rows.map(({ id, at }) => ({
          id,
          imageId: image!.id,
          runId: randomUUID(),
          generation: 1,
          trigger: 'create',
          startedAt: sqlTime(at),
        })),
      );
    const { inserted, ordered } = timedRows(-1);
    const existing = inserted.slice(0, 30);
    const existingOrder = ordered.filter((id) => existing.some((r) => r.id === id));
    await insert(existing);

    const first = await get('/v1/image/timed/builds?limit=10', other.token);
    expect(first.body.map((b) => b.id)).toEqual(existingOrder.slice(0, 10));
    const cursorRow = existing.find((r) => r.id === existingOrder[9])!;
    // Same instant as the cursor row, with an id just above it (newer in this order: before the cursor) and one
    // just below (after it); one newer than all, one older than all.
    const fresh = [
      { id: idBeside(cursorRow.id, 1), at: cursorRow.at },
      { id: idBeside(cursorRow.id, -1), at: cursorRow.at },
      { id: randomUUID(), at: '2030-01-01 00:00:00.000001+00' },
      { id: randomUUID(), at: '2020-01-01 00:00:00.000001+00' },
    ];
    await insert(fresh);

    const rest = (await walk(first.next!, other.token)).flat().map((b) => b.id!);
    const earlier = first.body.map((b) => b.id!);
    expect(rest.filter((id) => earlier.includes(id))).toEqual([]);
    expect(new Set(rest).size).toBe(rest.length);
    expect(existingOrder.slice(10).filter((id) => !rest.includes(id))).toEqual([]);
    const all = [...existing, ...fresh].sort(byTimeThenId(-1)).map((r) => r.id);
    // Exactly the rows that sort after the cursor row, whenever they were inserted.
    expect(rest).toEqual(all.slice(all.indexOf(cursorRow.id) + 1));
    expect(rest).not.toContain(fresh[0]!.id);
    expect(rest).toContain(fresh[1]!.id);
    expect(rest).not.toContain(fresh[2]!.id);
    expect(rest).toContain(fresh[3]!.id);
  });
});

describe('the OpenAPI document of the lists', () => {
  it('declares limit and cursor and the Link header on every list', async () => {
    const doc = (await (await service.app.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string }[]; responses: Record<string, { headers?: object }> }>
      >;
    };
    const listPaths = [
      '/v1/baseimage',
      '/v1/image',
      '/v1/image/{name}/builds',
      '/v1/rebuilds',
      '/v1/rebuildschedules',
      '/v1/token',
    ];
    for (const path of listPaths) {
      const operation = doc.paths[path]!.get!;
      expect(
        operation.parameters!.map((p) => p.name),
        path,
      ).toEqual(expect.arrayContaining(['limit', 'cursor']));
      expect(operation.responses['200']!.headers, path).toHaveProperty('Link');
      expect(operation.responses, path).toHaveProperty('400');
    }
  });
});
