import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { pythonFixture, ROOT, workflowBundlePath } from '../helpers/env.js';
import { buildNetworkHostAddress, startHeldWheelServer } from '../helpers/held-wheel-server.js';
import { docker } from '../helpers/registry-images.js';
import { startGatedProxy } from '../helpers/gated-proxy.js';
import { pushUniqueImage } from '../helpers/registry-images.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { testLogFile } from '../helpers/test-logs.js';
import { startOwnTemporal } from '../helpers/temporal-server.js';
import { eventually, settledBaseImage, settledImage } from '../helpers/wait.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';

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

  function forkWorker(
    service: TestService,
    temporalAddress = '127.0.0.1:7233',
    allowedHosts = '',
  ): Promise<ChildProcess> {
    const child = fork(`${ROOT}worker/main.ts`, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        TASK_QUEUE: service.taskQueue,
        TEMPORAL_ADDRESS: temporalAddress,
        WORKFLOW_BUNDLE: workflowBundlePath(),
        BUILD_ALLOWED_HOSTS: allowedHosts,
        LOG_LEVEL: 'warn',
        // No metrics port: a service's worker running beside the tests has the default one.
        WORKER_METRICS_PORT: '0',
      },
      // The killed worker's warnings are expected: they go to the tests' log folder, not the terminal.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const log = testLogFile('forked-worker').stream;
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
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

  it('a worker killed with SIGKILL during the dependency install is replaced and the image ends READY, built and catalogued once', async () => {
    const service = await startTestService({ worker: false });
    cleanups.push(() => service.close());
    const wheel = await startHeldWheelServer(await buildNetworkHostAddress());
    cleanups.push(() => wheel.close());
    const allowed = `${wheel.allowedHost.host}:${wheel.allowedHost.port}`;
    const containersBefore = new Set((await docker.listContainers({ all: true })).map((c) => c.Id));

    const first = await forkWorker(service, undefined, allowed);
    await service.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
    const manifest = `# test run ${randomUUID()}\n${wheel.requirement}\n`;
    await service.call('POST', '/v1/image', { name: 'sturdy', baseImageName: 'py', runtimeDependencies: { manifest } });
    await wheel.requested(); // pip is downloading: the build is in the middle of the dependency install
    first.kill('SIGKILL');
    await once(first, 'exit');

    await forkWorker(service, undefined, allowed);
    const handle = service.temporal.workflow.getHandle(`image/${service.org}/sturdy`);
    await eventually('the build to be retried after the heartbeat timeout', async () => {
      const pending = (await handle.describe()).raw.pendingActivities?.find(
        (a) => a.activityType?.name === 'buildAndPush',
      );
      return (pending?.attempt ?? 0) >= 2 ? true : undefined;
    });
    wheel.openGate();

    const image = await settledImage(service, 'sturdy');
    expect(image.reason).toEqual([]);
    expect(image.status).toBe('READY');
    const builds = (await service.call('GET', '/v1/image/sturdy/builds')).body;
    expect(builds).toHaveLength(1);
    expect(builds[0].outcome).toBe('SUCCEEDED');
    const catalog = (await service.call('GET', '/v1/image/sturdy/catalog')).body.packages;
    expect(catalog).toContainEqual({ ecosystem: 'pypi', name: 'dispatch_crash_probe', version: '1.0' });
    const catalogs = await service.database.db.execute(
      sql`select count(distinct c.build_id)::int as n from catalog_packages c join builds b on b.id = c.build_id where b.image_id = ${image.id}`,
    );
    expect(catalogs.rows[0]).toEqual({ n: 1 });
    await eventually(
      'the killed build to leave no containers behind',
      async () => {
        const leftovers = (await docker.listContainers({ all: true })).filter((c) => !containersBefore.has(c.Id));
        return leftovers.length === 0 ? true : undefined;
      },
      30_000,
    );
  });
});
