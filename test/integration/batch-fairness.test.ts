import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonFixture } from '../helpers/env.js';
import { buildNetworkHostAddress, startHeldWheelServer } from '../helpers/held-wheel-server.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { eventually, settledImage } from '../helpers/wait.js';

// A batch rebuild whose builds hang (their download is held) must not keep a developer's own build waiting.
describe('a batch rebuild and a developer build at the same time', () => {
  let service: TestService;
  let wheel: Awaited<ReturnType<typeof startHeldWheelServer>>;
  beforeAll(async () => {
    wheel = await startHeldWheelServer(await buildNetworkHostAddress());
    service = await startTestService({ allowedHosts: [wheel.allowedHost] });
  });
  afterAll(async () => {
    wheel.openGate();
    await service.close();
    await wheel.close();
  });

  it("the developer's build ends READY while the batch still holds every batch slot", async () => {
    await service.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
    wheel.openGate();
    for (const name of ['held-1', 'held-2']) {
      const manifest = `# test run ${randomUUID()}\n${wheel.requirement}\n`;
      await service.call('POST', '/v1/image', { name, baseImageName: 'py', runtimeDependencies: { manifest } });
    }
    for (const name of ['held-1', 'held-2']) expect((await settledImage(service, name)).status).toBe('READY');

    // A forced batch builds without Docker's cache: both builds download the wheel again, and hang there.
    wheel.closeGate();
    const batch = await service.call('POST', '/v1/rebuilds', { selector: { baseImageName: 'py' }, force: true });
    expect(batch.status).toBe(202);
    await wheel.requested();
    await eventually('both batch builds to be running', async () => {
      const run = (await service.call('GET', `/v1/rebuilds/${batch.body.id}`)).body;
      const running = run.items?.filter((i: { outcome: string }) => i.outcome === 'RUNNING') ?? [];
      return running.length === 2 ? true : undefined;
    });

    const manifest = `# test run ${randomUUID()}\nsix==1.16.0\n`;
    await service.call('POST', '/v1/image', { name: 'mine', baseImageName: 'py', runtimeDependencies: { manifest } });
    expect((await settledImage(service, 'mine')).status).toBe('READY');
    expect((await service.call('GET', `/v1/rebuilds/${batch.body.id}`)).body.status).toBe('RUNNING');

    wheel.openGate();
    const done = await eventually('the batch to finish once its downloads are released', async () => {
      const run = (await service.call('GET', `/v1/rebuilds/${batch.body.id}`)).body;
      return run.status === 'DONE' ? run : undefined;
    });
    expect(done.items.map((i: { outcome: string }) => i.outcome)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
