import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushUniqueImage } from '../helpers/registry-images.js';
import { freePort, startOwnRegistry } from '../helpers/registry-process.js';
import { FAST_PULL_POLICY, startTestService, type TestService } from '../helpers/service.js';
import { eventually, settledBaseImage } from '../helpers/wait.js';

// An unreachable registry is a transient failure: retried with backoff, READY once it is back, ERROR (with the
// last error) only when the retries run out.
describe('base image whose registry is unreachable', () => {
  let service: TestService;
  let registry: Awaited<ReturnType<typeof startOwnRegistry>>;
  beforeAll(async () => {
    service = await startTestService({ pullPolicy: { ...FAST_PULL_POLICY, maximumAttempts: 100 } });
    registry = await startOwnRegistry(await freePort());
  });
  afterAll(async () => {
    await service.close();
    await registry.stop();
  });

  it('ends READY when the registry comes back while the pull is being retried', async () => {
    const dockerUrl = pushUniqueImage(`127.0.0.1:${registry.port}`);
    await registry.stop();
    await service.call('POST', '/v1/baseimage', { name: 'patient', dockerUrl, language: 'python3' });

    const handle = service.temporal.workflow.getHandle(`baseimage/${service.org}/patient`);
    await eventually('the pull to have failed and be retried', async () => {
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      return pending && (pending.attempt ?? 0) >= 2 ? true : undefined;
    });
    expect((await service.call('GET', '/v1/baseimage/patient')).body.status).toBe('CREATING');

    await registry.start();
    const settled = await settledBaseImage(service, 'patient');
    expect(settled.status).toBe('READY');
  });

  it('ends ERROR with the last connection error when the registry never comes back', async () => {
    const impatient = await startTestService({ pullPolicy: { ...FAST_PULL_POLICY, maximumAttempts: 2 } });
    try {
      const dockerUrl = `127.0.0.1:${await freePort()}/dispatch-test/nowhere:1`;
      await impatient.call('POST', '/v1/baseimage', { name: 'unreachable', dockerUrl, language: 'python3' });
      const settled = await settledBaseImage(impatient, 'unreachable');
      expect(settled.status).toBe('ERROR');
      expect(settled.reason[0]).toContain(`error when pulling image ${dockerUrl}`);
      expect(settled.reason[0]).toMatch(/connection refused/);
    } finally {
      await impatient.close();
    }
  });
});
