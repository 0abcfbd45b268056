import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReconciler } from '../../api/reconciler.js';
import { insertBaseImage } from '../../db/base-images.js';
import { insertImage } from '../../db/images.js';
import { pendingCleanups, rebuildItems, rebuilds } from '../../db/schema.js';
import { recordCleanup } from '../../db/cleanups.js';
import { eq } from 'drizzle-orm';
import { docker, hasLocalImage } from '../helpers/registry-images.js';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../logger.js';
import { pythonFixture } from '../helpers/env.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { eventually, settledBaseImage, settledImage } from '../helpers/wait.js';

// A process that dies between committing a resource and starting its workflow leaves the resource INITIALIZED with
// no workflow. The reconciler finds such resources and starts their work, so they still converge.
describe('reconciler', () => {
  let service: TestService;
  let stop: (() => void) | undefined;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    stop?.();
    await service.close();
  });
  /** The reconciler of this test's org, sweeping every half second; started once, by the first test needing it. */
  const startSweeps = () => {
    const starter = { client: service.temporal, taskQueue: service.taskQueue };
    stop ??= startReconciler(service.database.db, starter, createLogger('test-reconciler', 'error'), {
      intervalMs: 500,
      graceSeconds: 0,
      org: service.org,
    });
  };

  it('starts the lost work of resources committed without a workflow, which then end READY', async () => {
    const { db } = service.database;
    // As the API would have written them just before dying: rows, and no workflow.
    await insertBaseImage(db, service.org, {
      name: 'lost-base',
      dockerUrl: pythonFixture(),
      language: 'python3',
      tags: [],
    });
    const manifest = 'six==1.16.0\n';
    await insertImage(db, service.org, {
      name: 'lost-image',
      baseImageName: 'lost-base',
      language: 'python3',
      runtimeManifest: manifest,
      systemPackages: [],
      tags: [],
    });
    expect((await service.call('GET', '/v1/baseimage/lost-base')).body.status).toBe('INITIALIZED');

    startSweeps();
    expect((await settledBaseImage(service, 'lost-base')).status).toBe('READY');
    expect((await settledImage(service, 'lost-image')).status).toBe('READY');
    const [build] = (await service.call('GET', '/v1/image/lost-image/builds')).body;
    expect(build.trigger).toBe('reconcile');
  });

  it('closes a rebuild whose workflow was terminated mid-batch: DONE, its unfinished images FAILED saying why', async () => {
    const { db } = service.database;
    // A rebuild workflow that no worker ever ran, terminated as an operator would, leaving its row RUNNING.
    const id = randomUUID();
    const workflowId = `rebuild/${service.org}/${id}`;
    const handle = await service.temporal.workflow.start('rebuildWorkflow', {
      taskQueue: `no-worker-${id}`,
      workflowId,
      args: [{}],
    });
    await handle.terminate('operator stopped it');
    await db.insert(rebuilds).values({
      id,
      org: service.org,
      selector: { all: true },
      dryRun: false,
      trigger: 'api',
      status: 'RUNNING',
      workflowId,
      createdAt: new Date(Date.now() - 120_000),
    });
    await db.insert(rebuildItems).values([
      { rebuildId: id, imageName: 'done', baseImageName: 'b', rebuild: true, reason: 'x', outcome: 'SUCCEEDED' },
      { rebuildId: id, imageName: 'waiting', baseImageName: 'b', rebuild: true, reason: 'x', outcome: 'PENDING' },
    ]);

    startSweeps();
    const closed = await eventually('the reconciler to close the rebuild', async () => {
      const run = (await service.call('GET', `/v1/rebuilds/${id}`)).body;
      return run.status === 'DONE' ? run : undefined;
    });
    expect(closed.items).toEqual([
      expect.objectContaining({ imageName: 'done', outcome: 'SUCCEEDED' }),
      expect.objectContaining({
        imageName: 'waiting',
        outcome: 'FAILED',
        reason: "the rebuild's workflow ended (TERMINATED) before this image was built",
      }),
    ]);
  });

  it("starts the cleanup of a delete whose cleanup never started, and removes the deleted image's local copy", async () => {
    // As a DELETE leaves it when the process dies right after its commit: the record, and no workflow.
    const resourceId = randomUUID();
    const repo = `127.0.0.1:5000/dispatch/${resourceId}`;
    const dockerUrl = `${repo}:late`;
    await docker.getImage(pythonFixture()).tag({ repo, tag: 'late' });
    expect(await hasLocalImage(dockerUrl)).toBe(true);
    await recordCleanup(service.database.db, {
      kind: 'Image',
      resourceId,
      org: service.org,
      name: 'gone',
      dockerUrls: [dockerUrl],
    });

    startSweeps();
    await eventually('the late cleanup to remove the local copy', async () =>
      (await hasLocalImage(dockerUrl)) ? undefined : true,
    );
    const left = await service.database.db
      .select()
      .from(pendingCleanups)
      .where(eq(pendingCleanups.resourceId, resourceId));
    expect(left).toEqual([]);
  });
});
