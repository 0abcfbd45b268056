import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReconciler } from '../../api/reconciler.js';
import { insertBaseImage } from '../../db/base-images.js';
import { insertImage } from '../../db/images.js';
import { createLogger } from '../../logger.js';
import { pythonFixture } from '../helpers/env.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { settledBaseImage, settledImage } from '../helpers/wait.js';

// A process that dies between committing a resource and starting its workflow leaves the resource INITIALIZED with
// no workflow. The reconciler finds such resources and starts their work, so they still converge.
describe('reconciler', () => {
  let service: TestService;
  let stop: () => void;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    stop?.();
    await service.close();
  });

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

    const starter = { client: service.temporal, taskQueue: service.taskQueue };
    stop = startReconciler(db, starter, createLogger('test-reconciler', 'error'), {
      intervalMs: 500,
      graceSeconds: 0,
      org: service.org,
    });
    expect((await settledBaseImage(service, 'lost-base')).status).toBe('READY');
    expect((await settledImage(service, 'lost-image')).status).toBe('READY');
    const [build] = (await service.call('GET', '/v1/image/lost-image/builds')).body;
    expect(build.trigger).toBe('reconcile');
  });
});
