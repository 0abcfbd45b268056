import { Validation } from '@cyclonedx/cyclonedx-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SBOM_SPEC } from '../../api/sbom.js';
import { insertBase, insertBuiltImage } from '../helpers/catalog-rows.js';
import { runCli, serveForCli } from '../helpers/cli.js';
import { startTestService, type TestService } from '../helpers/service.js';

type Holding = { image: string; buildId: string; ecosystem: string; name: string; version: string };

/** A GET as the org's viewer, with the answer's Link header (call() keeps only the body). */
async function getPage(service: TestService, path: string, org = service.org, token = service.tokens.viewer) {
  const response = await service.app.request(path, {
    headers: { Authorization: `Bearer ${token}`, 'X-Dispatch-Org': org },
  });
  const text = await response.text();
  return {
    status: response.status,
    link: response.headers.get('Link'),
    contentType: response.headers.get('Content-Type'),
    text,
    body: JSON.parse(text),
  };
}

const query = (params: Record<string, string>) => `/v1/packages?${new URLSearchParams(params)}`;
const holders = (answer: { body: Holding[] }) => answer.body.map((h) => `${h.image} ${h.ecosystem} ${h.version}`);

// The fleet-wide package query, the package rebuild selector's validation and SBOMs, over catalogs written straight
// into Postgres (no worker: nothing here builds).
describe('packages across the fleet', () => {
  let service: TestService;
  const currentBuild: Record<string, string> = {};

  beforeAll(async () => {
    service = await startTestService({ worker: false });
    const { db } = service.database;
    await insertBase(db, service.org, 'py');
    const image = (name: string, ...entries: [string, string, string][]) =>
      entries.map(([ecosystem, pkg, version]) => ({ ecosystem, name: pkg, version }));
    const built = async (name: string, entries: ReturnType<typeof image>, older: ReturnType<typeof image> = []) => {
      currentBuild[name] = await insertBuiltImage(db, service.org, { name, baseImageName: 'py' }, entries, older);
    };
    await built(
      'a',
      image('a', ['deb', 'openssl', '3.0.11-1~deb12u2'], ['pypi', 'requests', '2.31.0'], ['npm', 'lodash', '4.17.20']),
    );
    await built(
      'b',
      image(
        'b',
        ['deb', 'openssl', '3.0.15-1~deb12u1'],
        ['pypi', 'PyYAML', '6.0.1'],
        ['npm', '@types/node', '20.1.0-beta.1'],
      ),
    );
    await built(
      'c',
      image('c', ['deb', 'openssl', '1:1.0.2'], ['pypi', 'requests', '2.32.0rc1'], ['npm', 'lodash', '4.17.21']),
    );
    // Held openssl in an earlier build only: the image runs its current build, which does not.
    await built('d', image('d', ['deb', 'zlib1g', '1:1.2.13']), image('d', ['deb', 'openssl', '3.0.0-1']));
    await built('e', image('e', ['apk', 'openssl', '3.1.4-r0'], ['pypi', 'typing_extensions', '4.9.0']));
    // Paging: seven images with six, one of them unreadable as a version.
    for (let i = 1; i <= 7; i++) await built(`six-${i}`, image('', ['pypi', 'six', i === 4 ? 'weird!' : `1.${i}.0`]));

    // Another tenant holding the same packages, in images of the same names.
    const other = await service.anotherOrg();
    await insertBase(db, other.org, 'py');
    await insertBuiltImage(db, other.org, { name: 'a', baseImageName: 'py' }, image('', ['deb', 'openssl', '3.0.1']));
    await insertBuiltImage(db, other.org, { name: 'zz', baseImageName: 'py' }, image('', ['pypi', 'six', '1.0.0']));
  });
  afterAll(() => service.close());

  it('finds a package in the current builds of the org, by image then ecosystem', async () => {
    const answer = await getPage(service, query({ name: 'openssl' }));
    expect(answer.status).toBe(200);
    expect(answer.link).toBeNull();
    expect(answer.body).toEqual([
      { image: 'a', buildId: currentBuild.a, ecosystem: 'deb', name: 'openssl', version: '3.0.11-1~deb12u2' },
      { image: 'b', buildId: currentBuild.b, ecosystem: 'deb', name: 'openssl', version: '3.0.15-1~deb12u1' },
      { image: 'c', buildId: currentBuild.c, ecosystem: 'deb', name: 'openssl', version: '1:1.0.2' },
      { image: 'e', buildId: currentBuild.e, ecosystem: 'apk', name: 'openssl', version: '3.1.4-r0' },
    ]);
    expect(holders(await getPage(service, query({ name: 'openssl', ecosystem: 'apk' })))).toEqual(['e apk 3.1.4-r0']);
    expect((await getPage(service, query({ name: 'nothing-holds-this' }))).body).toEqual([]);
  });

  it.each([
    // dpkg: a Debian revision of 3.0.15 is not below 3.0.15, and an epoch outranks everything.
    [{ name: 'openssl', ecosystem: 'deb', version: '<3.0.15' }, ['a deb 3.0.11-1~deb12u2']],
    [{ name: 'openssl', version: '>=3.0.15' }, ['b deb 3.0.15-1~deb12u1', 'c deb 1:1.0.2']],
    // apk has no ordering here: an exact version only.
    [{ name: 'openssl', version: '3.1.4-r0' }, ['e apk 3.1.4-r0']],
    // PEP 440: a release candidate sorts before its release; names as pip reads them.
    [{ name: 'requests', version: '<2.32' }, ['a pypi 2.31.0', 'c pypi 2.32.0rc1']],
    [{ name: 'requests', ecosystem: 'pypi', version: '>=2.32.0rc1' }, ['c pypi 2.32.0rc1']],
    [{ name: 'pyyaml', version: '>=6' }, ['b pypi 6.0.1']],
    [{ name: 'Typing-Extensions' }, ['e pypi 4.9.0']],
    // SemVer: a pre-release is below its release and stays in ranges; scoped names.
    [{ name: '@types/node', version: '<20.1.0' }, ['b npm 20.1.0-beta.1']],
    [{ name: 'lodash', ecosystem: 'npm', version: '>=4.17.21' }, ['c npm 4.17.21']],
    [{ name: 'lodash', version: '>4.17.0 <4.17.21' }, ['a npm 4.17.20']],
  ])('filters %j by each ecosystem’s own ordering', async (params, expected) => {
    const answer = await getPage(service, query(params));
    expect(answer.status, answer.text).toBe(200);
    expect(holders(answer)).toEqual(expected);
  });

  it("never shows another org's images, and shows that org only its own", async () => {
    expect(holders(await getPage(service, query({ name: 'openssl', version: '3.0.1' })))).toEqual([]);
    const other = await service.anotherOrg();
    expect((await getPage(service, query({ name: 'openssl' }), other.org)).status).toBe(403);
  });

  it('pages with ?limit and the Link header, ranges included, without repeating or skipping', async () => {
    const follow = async (first: string) => {
      const seen: string[] = [];
      const links: string[] = [];
      for (let path: string | null = first; path;) {
        const answer = await getPage(service, path);
        expect(answer.status, answer.text).toBe(200);
        expect(answer.body.length).toBeLessThanOrEqual(2);
        seen.push(...holders(answer));
        path = answer.link ? /^<([^>]+)>; rel="next"$/.exec(answer.link)![1]! : null;
        if (path) links.push(path);
      }
      return { seen, links };
    };
    const all = await follow(query({ name: 'six', limit: '2' }));
    expect(all.seen).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `six-${i} pypi ${i === 4 ? 'weird!' : `1.${i}.0`}`));
    expect(all.links).toHaveLength(3);
    expect(all.links[0]).toMatch(/^\/v1\/packages\?name=six&limit=2&cursor=[A-Za-z0-9_-]+$/);
    // Filtered in JavaScript after the SQL: still full pages; the unreadable version matches no range.
    const ranged = await follow(query({ name: 'six', version: '>=1.2,!=1.5.0', limit: '2' }));
    expect(ranged.seen).toEqual(['six-2 pypi 1.2.0', 'six-3 pypi 1.3.0', 'six-6 pypi 1.6.0', 'six-7 pypi 1.7.0']);
    // The other org's six never shows, even after the last page of this org's.
    expect(all.seen.some((s) => s.startsWith('zz'))).toBe(false);
  });

  it('bounds the rows one request compares with a range: a short page still links on, and nothing is lost', async () => {
    // 9,000 images hold rare-lib, all at 1.0.0 but the last three: more rows than one request compares.
    const { pool } = service.database;
    await pool.query(
      `with made as (
         insert into images (org, name, base_image_name, language, status)
         select $1, 'rare-' || lpad(n::text, 5, '0'), 'py', 'python3', 'READY' from generate_series(1, 9000) n
         returning id, name),
       built as (
         insert into builds (image_id, run_id, generation, trigger, outcome)
         select id, 'rare-' || id, 1, 'create', 'SUCCEEDED' from made returning id, image_id)
       insert into catalog_packages (build_id, ecosystem, name, version)
       select built.id, 'pypi', 'rare-lib', case when made.name > 'rare-08997' then '2.0.0' else '1.0.0' end
       from built join made on made.id = built.image_id`,
      [service.org],
    );
    await pool.query(
      `update images i set current_build_id = b.id from builds b where b.image_id = i.id and i.name like 'rare-%'`,
    );
    const first = await getPage(service, query({ name: 'rare-lib', version: '>=2' }));
    expect(first.body).toEqual([]);
    expect(first.link).toMatch(/^<\/v1\/packages\?name=rare-lib&version=%3E%3D2&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    const found: string[] = [];
    for (let link = first.link; link;) {
      const next = await getPage(service, /^<([^>]+)>/.exec(link)![1]!);
      found.push(...holders(next));
      link = next.link;
    }
    expect(found).toEqual(['rare-08998 pypi 2.0.0', 'rare-08999 pypi 2.0.0', 'rare-09000 pypi 2.0.0']);
    await pool.query(`delete from images where org = $1 and name like 'rare-%'`, [service.org]);
  });

  it.each([
    [{ name: 'openssl', version: '<<3' }, 'packages list: version: must be a version or a range'],
    [{ name: 'openssl', version: '' }, 'packages list: version: must not be empty'],
    [{ name: 'openssl', ecosystem: 'npm', version: '<1:2.0' }, 'version: "1:2.0" is not a version npm can order'],
    [{ name: 'openssl', version: '<latest' }, 'version: "latest" is not a version deb, pypi, npm can order'],
    [{ name: 'openssl', ecosystem: 'maven' }, 'packages list: ecosystem: must be one of deb, apk, rpm, pypi, npm'],
    [{ ecosystem: 'deb' }, 'packages list: name: is required'],
    [{ name: 'a b' }, 'packages list: name: must be a package name'],
    [{ name: 'six', cursor: 'bm90LW91cnM' }, 'packages list: cursor: is not a cursor this server gave'],
  ])('refuses %j with a 400 naming the field', async (params, message) => {
    const answer = await getPage(service, query(params));
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(message);
  });

  it('refuses a package selector whose range is malformed, as the query does', async () => {
    const bad = async (selector: unknown) =>
      (await service.call('POST', '/v1/rebuilds', { selector, dryRun: true })).body;
    expect(await bad({ package: { name: 'openssl', version: '<<3' } })).toMatchObject({
      code: 400,
      message: expect.stringContaining('rebuild: selector.package.version: must be a version or a range'),
    });
    expect((await bad({ package: { name: 'openssl', ecosystem: 'maven' } })).message).toContain(
      'rebuild: selector: package.ecosystem: must be one of deb, apk, rpm, pypi, npm',
    );
    expect((await bad({ package: { name: 'openssl', extra: 1 } })).message).toContain('selector.package');
  });

  it("serves a valid CycloneDX SBOM of an image's current build, a purl per package", async () => {
    const { db } = service.database;
    const buildId = await insertBuiltImage(db, service.org, { name: 'tricky', baseImageName: 'py' }, [
      { ecosystem: 'deb', name: 'libssl3', version: '1:3.0.15-1~deb12u1' },
      { ecosystem: 'pypi', name: 'PyYAML', version: '6.0.1' },
      { ecosystem: 'pypi', name: 'typing_extensions', version: '4.9.0' },
      { ecosystem: 'npm', name: '@types/node', version: '20.1.0' },
      { ecosystem: 'npm', name: 'lodash', version: '4.17.21' },
    ]);
    const answer = await getPage(service, '/v1/image/tricky/sbom');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/vnd.cyclonedx+json; version=1.6');
    expect(await new Validation.JsonStrictValidator(SBOM_SPEC.version).validate(answer.text)).toBeNull();
    const bom = answer.body;
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', serialNumber: `urn:uuid:${buildId}` });
    const purls = (bom.components as { purl: string }[]).map((c) => c.purl).sort();
    expect(purls).toEqual([
      'pkg:deb/debian/libssl3@1:3.0.15-1~deb12u1',
      'pkg:npm/%40types/node@20.1.0',
      'pkg:npm/lodash@4.17.21',
      'pkg:pypi/pyyaml@6.0.1',
      'pkg:pypi/typing-extensions@4.9.0',
    ]);
    const subject = bom.metadata.component;
    expect(subject).toMatchObject({ type: 'container', name: `127.0.0.1:5000/dispatch-images/${service.org}/tricky` });
    expect(subject.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(subject.purl).toBe(
      `pkg:oci/tricky@${encodeURIComponent(subject.version)}?repository_url=${encodeURIComponent(subject.name)}`,
    );
    expect(Date.parse(bom.metadata.timestamp)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('the CLI lists the holders of a package as a table or JSON, every page followed, and prints SBOMs', async () => {
    const server = await serveForCli(service);
    try {
      const env = { DISPATCH_API_URL: server.apiUrl, DISPATCH_TOKEN: service.tokens.viewer };
      const dispatch = (...args: string[]) => runCli(args, env);
      const table = await dispatch('get', 'packages', 'openssl', '--ecosystem', 'deb', '--version', '<3.0.15');
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/IMAGE.*ECOSYSTEM.*NAME.*VERSION.*BUILD/);
      expect(table.stdout).toContain('3.0.11-1~deb12u2');
      expect(table.stdout).not.toContain('3.0.15-1~deb12u1');
      // -o json is the whole list (the client follows Link rel=next; paging itself is tested above).
      const json = await dispatch('get', 'packages', 'six', '-o', 'json');
      expect(JSON.parse(json.stdout).map((h: Holding) => h.image)).toEqual(
        [1, 2, 3, 4, 5, 6, 7].map((i) => `six-${i}`),
      );
      const refused = await dispatch('get', 'packages', 'six', '--version', '<<1');
      expect(refused).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('[Code: 400] packages list: version:'),
      });
      const sbom = await dispatch('get', 'sbom', 'a');
      expect(sbom.code, sbom.stderr).toBe(0);
      expect(JSON.parse(sbom.stdout)).toMatchObject({ bomFormat: 'CycloneDX', specVersion: SBOM_SPEC.version });
    } finally {
      await server.close();
    }
  });

  it('has no SBOM for an image never built successfully, nor for an unknown one', async () => {
    await service.call('POST', '/v1/image', { name: 'unbuilt', baseImageName: 'py' });
    const unbuilt = await getPage(service, '/v1/image/unbuilt/sbom');
    expect(unbuilt.status).toBe(404);
    expect(unbuilt.body.message).toMatch(/^image unbuilt has no SBOM yet/);
    expect((await getPage(service, '/v1/image/nothing-here/sbom')).body.message).toBe('image nothing-here not found');
  });
});

// The package selector against the real planner, which runs on a worker: exactly the images holding the package in
// the range are planned. Their base image is INITIALIZED (never pulled), so each is planned as skipped, saying why.
describe('rebuilds by package', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    const { db } = service.database;
    await insertBase(db, service.org, 'py');
    const held = (version: string) => [{ ecosystem: 'deb', name: 'openssl', version }];
    await insertBuiltImage(db, service.org, { name: 'old-ssl', baseImageName: 'py' }, held('3.0.11-1~deb12u2'));
    await insertBuiltImage(db, service.org, { name: 'new-ssl', baseImageName: 'py' }, held('3.0.15-1~deb12u1'));
    await insertBuiltImage(db, service.org, { name: 'no-ssl', baseImageName: 'py' }, [
      { ecosystem: 'pypi', name: 'openssl-python', version: '1.0' },
    ]);
    await insertBuiltImage(db, service.org, { name: 'older-ssl', baseImageName: 'py' }, held('1.1.1w-0+deb11u1'));
  });
  afterAll(() => service.close());

  it('a dry run with {package: ...} plans exactly the images holding it in the range', async () => {
    const plan = async (selector: unknown) => {
      const answer = await service.call('POST', '/v1/rebuilds', { selector, dryRun: true });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return (answer.body.plan as { imageName: string }[]).map((e) => e.imageName);
    };
    expect(await plan({ package: { name: 'openssl', ecosystem: 'deb', version: '<3.0.15' } })).toEqual([
      'old-ssl',
      'older-ssl',
    ]);
    expect(await plan({ package: { name: 'openssl' } })).toEqual(['new-ssl', 'old-ssl', 'older-ssl']);
    expect(await plan({ package: { name: 'openssl', ecosystem: 'pypi' } })).toEqual([]);
  });
});
