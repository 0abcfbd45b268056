import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonFixture, REGISTRY } from '../helpers/env.js';
import { buildAndPush } from '../helpers/registry-images.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { eventually, settledImage } from '../helpers/wait.js';

type PlanEntry = { imageName: string; rebuild: boolean; reason: string };
type Entry = { ecosystem: string; name: string; version: string };
type Build = {
  id: string;
  trigger: string;
  outcome: string;
  reusedBuildId: string | null;
  catalogDiff: { previousBuildId: string | null; added: Entry[] };
};

/** Builds `FROM` the python fixture with `extra` Dockerfile lines and pushes it under `ref` (a base image "moving"). */
function pushBase(ref: string, extra = ''): void {
  const dir = mkdtempSync(join(tmpdir(), 'moving-base-'));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${pythonFixture()}\n${extra}`);
  buildAndPush(dir, ref);
}

// Change detection, dry-run plans, schedules, dedup and catalog diffs against the real stack.
describe('batch rebuilds', () => {
  let service: TestService;
  const moving = `${REGISTRY}/dispatch-test/moving-${randomUUID().slice(0, 8)}:stable`;
  const steady = `${REGISTRY}/dispatch-test/steady-${randomUUID().slice(0, 8)}:stable`;
  const fresh = `# test run ${randomUUID()}\n`;

  beforeAll(async () => {
    service = await startTestService();
    pushBase(moving, 'RUN echo v1 > /etc/base-version\n');
    pushBase(steady, 'RUN echo steady > /etc/base-version\n');
    await service.call('POST', '/v1/baseimage', { name: 'moving', dockerUrl: moving, language: 'python3' });
    await service.call('POST', '/v1/baseimage', { name: 'steady', dockerUrl: steady, language: 'python3' });
    const image = (name: string, base: string, manifest: string) =>
      service.call('POST', '/v1/image', { name, baseImageName: base, runtimeDependencies: { manifest } });
    await image('m1', 'moving', `${fresh}six==1.16.0\n`);
    await image('m2', 'moving', `${fresh}six==1.15.0\n`);
    await image('s1', 'steady', `${fresh}six==1.16.0\n`);
    for (const name of ['m1', 'm2', 's1']) expect((await settledImage(service, name)).status).toBe('READY');
  });
  afterAll(() => service.close());

  const plan = async (selector: unknown) => {
    const answer = await service.call('POST', '/v1/rebuilds', { selector, dryRun: true });
    expect(answer.status).toBe(200);
    return answer.body.plan as PlanEntry[];
  };
  const builds = async (name: string) => (await service.call('GET', `/v1/image/${name}/builds`)).body as Build[];

  it('a dry run while nothing moved plans no rebuild and builds nothing', async () => {
    const entries = await plan({ all: true });
    expect(entries.map((e) => [e.imageName, e.rebuild])).toEqual([
      ['m1', false],
      ['m2', false],
      ['s1', false],
    ]);
    expect(entries[0]?.reason).toMatch(/^inputs unchanged since build /);
    expect(await builds('m1')).toHaveLength(1);
  });

  it('after the base tag moves, a scheduled run rebuilds exactly the images on it, as the dry run predicted', async () => {
    pushBase(
      moving,
      'RUN echo v2 > /etc/base-version && apt-get update -q && apt-get install -y -q --no-install-recommends jq\n',
    );
    const predicted = await plan({ all: true });
    expect(predicted.filter((e) => e.rebuild).map((e) => e.imageName)).toEqual(['m1', 'm2']);
    expect(predicted.find((e) => e.imageName === 'm1')?.reason).toMatch(
      /^base image moving moved from \w{12} to \w{12}$/,
    );
    expect(predicted.find((e) => e.imageName === 's1')).toMatchObject({ rebuild: false });

    const created = await service.call('POST', '/v1/rebuildschedules', {
      name: 'nightly',
      cron: '0 3 * * *',
      selector: { all: true },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'nightly', paused: false });
    expect(created.body.nextRunTimes[0]).toMatch(/T03:00:00/);
    expect((await service.call('POST', '/v1/rebuildschedules/nightly/trigger')).status).toBe(200);

    const run = await eventually(
      'the scheduled rebuild to finish',
      async () => {
        const runs = (await service.call('GET', '/v1/rebuilds')).body as Array<{
          id: string;
          trigger: string;
          status: string;
        }>;
        const done = runs.find((r) => r.trigger === 'schedule nightly' && r.status === 'DONE');
        return done && (await service.call('GET', `/v1/rebuilds/${done.id}`)).body;
      },
      170_000,
    );
    const outcomes = Object.fromEntries(
      run.items.map((i: { imageName: string; outcome: string }) => [i.imageName, i.outcome]),
    );
    expect(outcomes).toEqual({ m1: 'SUCCEEDED', m2: 'SUCCEEDED', s1: 'SKIPPED' });
    expect(run.items.map((i: PlanEntry) => [i.imageName, i.rebuild])).toEqual(
      predicted.map((e) => [e.imageName, e.rebuild]),
    );

    const [latest, first] = await builds('m1');
    expect(latest).toMatchObject({ trigger: 'rebuild', outcome: 'SUCCEEDED' });
    expect(latest?.catalogDiff.previousBuildId).toBe(first?.id);
    expect(latest?.catalogDiff.added).toContainEqual(expect.objectContaining({ ecosystem: 'deb', name: 'jq' }));
    expect(await builds('s1')).toHaveLength(1);
    expect((await settledImage(service, 'm1')).status).toBe('READY');
  });

  it('schedules are listed, paused, unpaused and deleted, and live in Temporal', async () => {
    const listed = (await service.call('GET', '/v1/rebuildschedules')).body;
    expect(listed.map((s: { name: string }) => s.name)).toEqual(['nightly']);
    expect((await service.call('POST', '/v1/rebuildschedules/nightly/pause')).body.paused).toBe(true);
    const handle = service.temporal.schedule.getHandle(`rebuild-schedule/${service.org}/nightly`);
    expect((await handle.describe()).state.paused).toBe(true);
    expect((await service.call('POST', '/v1/rebuildschedules/nightly/unpause')).body.paused).toBe(false);
    expect((await service.call('DELETE', '/v1/rebuildschedules/nightly')).status).toBe(200);
    expect((await service.call('GET', '/v1/rebuildschedules/nightly')).status).toBe(404);
    await expect(handle.describe()).rejects.toThrow();
  });

  it('refuses a schedule with a cron Temporal cannot read, and a selector naming no base image', async () => {
    const badCron = await service.call('POST', '/v1/rebuildschedules', {
      name: 'x',
      cron: 'every day',
      selector: { all: true },
    });
    expect(badCron.status).toBe(400);
    expect(badCron.body.message).toMatch(/^rebuild schedule x: cron: /);
    const outOfRange = await service.call('POST', '/v1/rebuildschedules', {
      name: 'y',
      cron: '61 * * * *',
      selector: { all: true },
    });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.message).toMatch(/^rebuild schedule y: cron: .*Minute/);
    const badBase = await service.call('POST', '/v1/rebuilds', { selector: { baseImageName: 'nope' }, dryRun: true });
    expect(badBase).toMatchObject({
      status: 400,
      body: { message: 'rebuild: selector.baseImageName: base image nope not found' },
    });
    expect((await service.call('GET', '/v1/rebuildschedules')).body).toEqual([]);
  });

  it('builds identical inputs once: a second image with the same inputs reuses the first build', async () => {
    const spec = { baseImageName: 'steady', runtimeDependencies: { manifest: `${fresh}six==1.16.0\n` } };
    await service.call('POST', '/v1/image', { ...spec, name: 'twin' });
    const twin = await settledImage(service, 'twin');
    expect(twin.status).toBe('READY');
    const [build] = await builds('twin');
    const [original] = await builds('s1');
    expect(build?.reusedBuildId).toBe(original?.id);
    expect(twin.digest).toBe((await settledImage(service, 's1')).digest);
    const catalog = (await service.call('GET', '/v1/image/twin/catalog')).body.packages;
    expect(catalog).toContainEqual({ ecosystem: 'pypi', name: 'six', version: '1.16.0' });
  });

  it('a forced rebuild of a base image selector builds again, and a plan names it forced', async () => {
    expect((await plan({ baseImageName: 'steady' })).map((e) => e.reason)).toEqual([
      expect.stringMatching(/^inputs unchanged/),
      expect.stringMatching(/^inputs unchanged/),
    ]);
    const answer = await service.call('POST', '/v1/rebuilds', { selector: { baseImageName: 'steady' }, force: true });
    expect(answer.status).toBe(202);
    const run = await eventually(
      'the forced rebuild to finish',
      async () => {
        const body = (await service.call('GET', `/v1/rebuilds/${answer.body.id}`)).body;
        return body.status === 'DONE' ? body : undefined;
      },
      170_000,
    );
    expect(run.items.map((i: { reason: string; outcome: string }) => [i.reason, i.outcome])).toEqual([
      ['forced', 'SUCCEEDED'],
      ['forced', 'SUCCEEDED'],
    ]);
    // Each item names the build it produced.
    expect(run.items.map((i: { buildId: string }) => i.buildId)).toEqual([
      (await builds('s1'))[0]?.id,
      (await builds('twin'))[0]?.id,
    ]);
    // s1 and twin have identical inputs: one of them was built, the other reused it.
    const latest = [(await builds('s1'))[0], (await builds('twin'))[0]];
    expect(latest.filter((b) => b?.reusedBuildId === null)).toHaveLength(1);
  });
});
