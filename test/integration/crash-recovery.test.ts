import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, workflowBundlePath } from '../helpers/env.js';
import { startGatedProxy } from '../helpers/gated-proxy.js';
import { pushUniqueImage } from '../helpers/registry-images.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startOwnTemporal } from '../helpers/temporal-server.js';
import { eventually, settledBaseImage } from '../helpers/wait.js';

// A pull is held open by a gated proxy in front of the registry, a process dies, and the base image still ends READY.
describe('crash recovery', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function gatedImage() {
    const proxy = await startGatedProxy(5000);
    cleanups.push(() => proxy.close());
    const pushed = pushUniqueImage();
    return { proxy, dockerUrl: pushed.replace('127.0.0.1:5000', `127.0.0.1:${proxy.port}`) };
  }

  function forkWorker(service: TestService, temporalAddress = '127.0.0.1:7233'): Promise<ChildProcess> {
    const child = fork(`${ROOT}activities/worker-main.ts`, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        TASK_QUEUE: service.taskQueue,
        TEMPORAL_ADDRESS: temporalAddress,
        WORKFLOW_BUNDLE: workflowBundlePath(),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    });
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(child));
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    });
  }

  it('a worker killed with SIGKILL during a pull is replaced and the base image still ends READY', async () => {
    const service = await startTestService({ worker: false });
    cleanups.push(() => service.close());
    const { proxy, dockerUrl } = await gatedImage();

    const first = await forkWorker(service);
    await service.call('POST', '/v1/baseimage', { name: 'survivor', dockerUrl, language: 'python3' });
    await proxy.connected(); // the worker's pull has reached the registry and is waiting there
    first.kill('SIGKILL');
    await once(first, 'exit');

    await forkWorker(service);
    const handle = service.temporal.workflow.getHandle(`baseimage/${service.org}/survivor`);
    await eventually('the pull to be retried after the heartbeat timeout', async () => {
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      return (pending?.attempt ?? 0) >= 2 ? true : undefined;
    });
    proxy.openGate();

    const settled = await settledBaseImage(service, 'survivor');
    expect(settled.status).toBe('READY');
    expect(settled.digest).toMatch(/^sha256:/);
  });

  it('the Temporal dev server killed and restarted mid-workflow still ends READY', async () => {
    const temporal = await startOwnTemporal();
    cleanups.push(() => temporal.kill());
    const service = await startTestService({ temporalAddress: temporal.address });
    cleanups.push(() => service.close());
    const { proxy, dockerUrl } = await gatedImage();

    await service.call('POST', '/v1/baseimage', { name: 'durable', dockerUrl, language: 'python3' });
    await proxy.connected();
    await temporal.kill();
    await temporal.start();
    proxy.openGate();

    const settled = await settledBaseImage(service, 'durable');
    expect(settled.status).toBe('READY');
  });
});
