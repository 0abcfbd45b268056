import { MockActivityEnvironment } from '@temporalio/testing';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBaseImage } from '../../activities/verify-base-image.js';
import { noPullAuth } from '../../activities/registry-auth.js';
import { loadConfig } from '../../config.js';
import { findBaseImage } from '../../db/base-images.js';
import { REGISTRY } from '../helpers/env.js';
import { hasLocalImage, pushUniqueImage } from '../helpers/registry-images.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { eventually, settledBaseImage } from '../helpers/wait.js';

// The seed's "Base Images" walkthrough against the real Docker engine, registry, Postgres and Temporal.
describe('base images', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.close());

  it('becomes READY with the digest the registry holds once the image could be pulled', async () => {
    const dockerUrl = pushUniqueImage();
    const created = await service.call('POST', '/v1/baseimage', {
      name: 'my-python-base',
      dockerUrl,
      language: 'python3',
      tags: [{ key: 'role', value: 'docs' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'BaseImage', name: 'my-python-base', status: 'INITIALIZED' });

    const ready = await settledBaseImage(service, 'my-python-base');
    expect(ready.status).toBe('READY');
    expect(ready.reason).toEqual([]);
    expect(ready.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await hasLocalImage(dockerUrl)).toBe(true);
  });

  it('is ERROR at once with a reason naming the missing image', async () => {
    const dockerUrl = `${REGISTRY}/dispatch-test/does-not-exist:0.0.1`;
    await service.call('POST', '/v1/baseimage', { name: 'does-not-exist', dockerUrl, language: 'python3' });

    const failed = await settledBaseImage(service, 'does-not-exist');
    expect(failed.status).toBe('ERROR');
    expect(failed.reason).toHaveLength(1);
    expect(failed.reason[0]).toContain(`error when pulling image ${dockerUrl}`);
    expect(failed.reason[0]).toMatch(/not found|manifest unknown/);
    // Final at once: a missing image is not retried. (The ERROR row is written by an activity whose completion may
    // reach Temporal a moment later, so the run is awaited before its history is read.)
    const handle = service.temporal.workflow.getHandle(`baseimage/${service.org}/does-not-exist`);
    await handle.result().catch(() => undefined);
    const events = (await handle.fetchHistory()).events ?? [];
    const pulls = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'verifyBaseImage',
    );
    const attempts = events.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
    expect(pulls).toHaveLength(1);
    expect(Math.max(...attempts)).toBe(1);
  });

  it('verifies nothing for a generation that is no longer current: no pull, no write', async () => {
    const dockerUrl = pushUniqueImage();
    await service.call('POST', '/v1/baseimage', { name: 'stale', dockerUrl, language: 'python3' });
    expect((await settledBaseImage(service, 'stale')).status).toBe('READY');
    const row = await findBaseImage(service.database.db, service.org, 'stale');
    if (!row) throw new Error('base image stale is not stored');
    const deps = {
      docker: new Docker({ socketPath: loadConfig().DOCKER_SOCKET }),
      db: service.database.db,
      pullAuth: noPullAuth,
      languages: ['python3'],
    };
    // A late attempt of an older run: a missing image, so a pull would fail; it must not even be tried.
    const late = {
      target: { id: row.id, generation: row.generation - 1 },
      dockerUrl: `${REGISTRY}/dispatch-test/does-not-exist:0.0.1`,
      inProgress: 'UPDATING' as const,
    };
    expect(await new MockActivityEnvironment().run(verifyBaseImage, deps, late)).toEqual({ current: false });
    expect(await findBaseImage(service.database.db, service.org, 'stale')).toMatchObject({
      status: 'READY',
      digest: row.digest,
      modifiedAt: row.modifiedAt,
    });
  });

  it('re-verifies on PUT: a new URL is pulled again and the new digest recorded', async () => {
    const first = pushUniqueImage();
    await service.call('POST', '/v1/baseimage', { name: 'moving', dockerUrl: first, language: 'python3' });
    expect((await settledBaseImage(service, 'moving')).status).toBe('READY');

    const broken = await service.call('PUT', '/v1/baseimage/moving', {
      dockerUrl: `${REGISTRY}/dispatch-test/not-there:1`,
      language: 'python3',
    });
    expect(broken.status).toBe(200);
    expect(broken.body.status).toBe('UPDATING');
    expect((await settledBaseImage(service, 'moving')).status).toBe('ERROR');

    const second = pushUniqueImage();
    await service.call('PUT', '/v1/baseimage/moving', { dockerUrl: second, language: 'python3' });
    const ready = await settledBaseImage(service, 'moving');
    expect(ready).toMatchObject({ status: 'READY', dockerUrl: second, reason: [] });
  });

  it('DELETE removes the record and the local copy of the image', async () => {
    const dockerUrl = pushUniqueImage();
    await service.call('POST', '/v1/baseimage', { name: 'short-lived', dockerUrl, language: 'python3' });
    expect((await settledBaseImage(service, 'short-lived')).status).toBe('READY');
    expect(await hasLocalImage(dockerUrl)).toBe(true);

    const deleted = await service.call('DELETE', '/v1/baseimage/short-lived');
    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe('DELETED');
    expect((await service.call('GET', '/v1/baseimage/short-lived')).status).toBe(404);
    await eventually('the local image to be removed', async () =>
      (await hasLocalImage(dockerUrl)) ? undefined : true,
    );
  });

  it('lets the Temporal Web UI find the workflow by org, kind, name and status', async () => {
    const dockerUrl = pushUniqueImage();
    await service.call('POST', '/v1/baseimage', { name: 'findable', dockerUrl, language: 'python3' });
    await settledBaseImage(service, 'findable');
    const query = `DispatchOrg = "${service.org}" AND DispatchKind = "BaseImage" AND DispatchName = "findable" AND DispatchStatus = "READY"`;
    const found = await eventually('the workflow to be visible by its search attributes', async () => {
      for await (const execution of service.temporal.workflow.list({ query })) return execution.workflowId;
      return undefined;
    });
    expect(found).toBe(`baseimage/${service.org}/findable`);
  });
});
