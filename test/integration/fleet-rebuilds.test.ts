import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonFixture } from '../helpers/env.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { eventually, settledBaseImage, settledImage } from '../helpers/wait.js';

type PlanEntry = { imageName: string; rebuild: boolean; reason: string };
type RebuildItem = PlanEntry & { outcome: string; buildId: string | null };

// Batches at fleet size against the real stack: plans of thousands of images (the rows are copies of one real built
// image, inserted in SQL), a dry run slower than the request, and a real batch crossing windows and runs.

const WINDOW = { size: 2, maxRunEvents: 100 };
const FLEET = 2_500; // more than the 2,000 activities one workflow task may leave pending

/** Waits until rebuild `id` is DONE and answers it with its items. */
const doneRebuild = (service: TestService, id: string, timeoutMs?: number) =>
  eventually(
    `rebuild ${id} to be DONE`,
    async () => {
      const run = await service.call('GET', `/v1/rebuilds/${id}`);
      return run.body?.status === 'DONE' ? (run.body as { dryRun: boolean; items: RebuildItem[] }) : undefined;
    },
    timeoutMs,
  );

describe('batch rebuilds at fleet size', () => {
  let service: TestService;
  const manifest = `# fleet ${randomUUID()}\n`;

  /** `count` copies of image `seed` (same spec, same last build), named seed-00001... */
  async function copies(seed: string, count: number): Promise<void> {
    await service.database.pool.query(
      `insert into images (org, name, base_image_name, language, runtime_manifest, system_packages, status,
                           docker_url, digest, current_build_id)
       select org, name || '-' || lpad(n::text, 5, '0'), base_image_name, language, runtime_manifest,
              system_packages, status, docker_url, digest, current_build_id
       from images, generate_series(1, $3::int) n where org = $1 and name = $2`,
      [service.org, seed, count],
    );
  }

  beforeAll(async () => {
    service = await startTestService({ rebuildWindow: WINDOW });
    await service.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
    await service.call('POST', '/v1/image', { name: 'seed', baseImageName: 'py', runtimeDependencies: { manifest } });
    expect((await settledImage(service, 'seed')).status).toBe('READY');
    await copies('seed', FLEET - 1);
  });
  afterAll(() => service.close());

  const plan = async (selector: unknown) => {
    const answer = await service.call('POST', '/v1/rebuilds', { selector, dryRun: true });
    expect(answer.status).toBe(200);
    return answer.body.plan as PlanEntry[];
  };

  it(`a dry run over ${FLEET} images answers its plan: unchanged ones skipped, changed ones named`, async () => {
    const unchanged = await plan({ all: true });
    expect(unchanged).toHaveLength(FLEET);
    // The manifests hashed by Postgres match the hash the build recorded (Node's): nothing looks changed.
    expect(unchanged.filter((e) => e.rebuild)).toEqual([]);
    expect(new Set(unchanged.map((e) => e.reason.replace(/build \S+$/, 'build X')))).toEqual(
      new Set(['inputs unchanged since build X']),
    );

    await service.database.pool.query(
      `update images set runtime_manifest = runtime_manifest || '# changed' where org = $1 and name like 'seed-0001_'`,
      [service.org],
    );
    const changed = (await plan({ all: true })).filter((e) => e.rebuild);
    expect(changed.map((e) => e.imageName)).toEqual(
      Array.from({ length: 10 }, (_, i) => `seed-${String(10 + i).padStart(5, '0')}`),
    );
    expect(new Set(changed.map((e) => e.reason))).toEqual(new Set(['runtime manifest changed']));
  });

  it('a dry run slower than the server waits answers 202 with its id, and its plan is read once DONE', async () => {
    const impatient = await startTestService({ dryRunWaitSeconds: 0.001 });
    try {
      await impatient.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
      expect((await settledBaseImage(impatient, 'py')).status).toBe('READY');
      await impatient.call('POST', '/v1/image', { name: 'one', baseImageName: 'py' });
      const answer = await impatient.call('POST', '/v1/rebuilds', { selector: { all: true }, dryRun: true });
      expect(answer).toEqual({ status: 202, body: { id: expect.any(String), dryRun: true, status: 'PLANNING' } });
      const done = await doneRebuild(impatient, answer.body.id);
      expect(done.dryRun).toBe(true);
      expect(done.items.map((i) => [i.imageName, i.outcome])).toEqual([['one', expect.any(String)]]);
    } finally {
      await impatient.close();
    }
  });

  it('a real batch larger than its window runs in windows across runs to DONE, building identical inputs once', async () => {
    // Six images of identical inputs, forced: the first builds afresh, the five others reuse its image.
    await service.database.pool.query(`delete from images where org = $1 and name like 'seed-%'`, [service.org]);
    await copies('seed', 5);
    const started = await service.call('POST', '/v1/rebuilds', { selector: { all: true }, force: true });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const done = await doneRebuild(service, id, 170_000);
    expect(done.items.map((i) => i.outcome)).toEqual(Array(6).fill('SUCCEEDED'));
    const { rows } = await service.database.pool.query(
      `select count(*) filter (where reused_build_id is null)::int as built, count(*)::int as all
       from builds where rebuild_id = $1 and outcome = 'SUCCEEDED'`,
      [id],
    );
    expect(rows[0]).toEqual({ built: 1, all: 6 });

    // The batch continued as new: its first run ended so, and no run's history outgrew the threshold by much.
    const workflowId = `rebuild/${service.org}/${id}`;
    const lengths: number[] = [];
    const latest = await service.temporal.workflow.getHandle(workflowId).describe();
    let runId: string | undefined = latest.raw.workflowExecutionInfo?.firstRunId ?? undefined;
    while (runId) {
      const history = await service.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
      const events = history.events ?? [];
      lengths.push(events.length);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(lengths.length).toBeGreaterThan(1);
    for (const length of lengths) expect(length).toBeLessThan(WINDOW.maxRunEvents + 80);
  });
});
