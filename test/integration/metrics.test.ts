import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiMetricsListener } from '../../api/metrics.js';
import { createLogger } from '../../logger.js';
import type { MetricsListener } from '../../metrics-listener.js';
import { batchQueueFor, verifyQueueFor } from '../../workflows/jobs.js';
import { startWorkerMetricsServer } from '../../worker/metrics-server.js';
import { pythonFixture, ROOT, workflowBundlePath } from '../helpers/env.js';
import { freePort } from '../helpers/registry-process.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { testLogFile } from '../helpers/test-logs.js';
import { eventually, settledBaseImage, settledImage } from '../helpers/wait.js';
import { expectValidExposition } from '../helpers/promtool.js';

// GET /metrics of the API (its own listener, off the API port) and of a worker (worker/main.ts, forked with a
// metrics port of its own), read the way Prometheus reads them: checked by promtool, then scraped by a real
// Prometheus server on loopback.

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus text exposition (comments skipped). */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k!, v!]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when there is none. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

describe('metrics', () => {
  let service: TestService;
  let worker: ChildProcess;
  let workerMetrics: string;
  let apiMetrics: MetricsListener;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    service = await startTestService({ worker: false });
    cleanups.push(() => service.close());
    // The API's own listener, as api/main.ts starts it (on a free port): this process's registry.
    apiMetrics = await startApiMetricsListener({ host: '127.0.0.1', port: 0, logger: createLogger('test', 'error') });
    cleanups.push(() => apiMetrics.close());
    const [metricsPort, sdkPort] = [await freePort(), await freePort()];
    workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    worker = fork(`${ROOT}worker/main.ts`, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        TASK_QUEUE: service.taskQueue,
        WORKFLOW_BUNDLE: workflowBundlePath(),
        WORKER_METRICS_PORT: String(metricsPort),
        WORKER_SDK_METRICS_PORT: String(sdkPort),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const log = testLogFile('metrics-worker').stream;
    worker.stdout?.pipe(log, { end: false });
    worker.stderr?.pipe(log, { end: false });
    cleanups.push(async () => {
      if (worker.exitCode !== null || worker.signalCode !== null) return;
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    });
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const scrapeApi = async () => {
    const response = await fetch(apiMetrics.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('counts API requests by route template, method and status, with a latency histogram', async () => {
    const tenantName = `tenant-secret-${randomUUID().slice(0, 8)}`;
    expect((await service.call('GET', `/v1/image/${tenantName}`)).status).toBe(404);
    expect((await service.call('GET', `/v1/baseimage/${tenantName}?tag=team=${tenantName}`)).status).toBe(404);
    expect((await service.app.request('/v1/image')).status).toBe(401); // refused before the handler: still its route
    expect((await service.app.request(`/no-such-route/${tenantName}`)).status).toBe(404);
    expect((await service.app.request('/healthz')).status).toBe(200);

    const text = await scrapeApi();
    expectValidExposition(text);
    const requests = 'dispatch_api_http_requests_total';
    expect(valueOf(text, requests, { method: 'GET', route: '/v1/image/{name}', status: '404' })).toBe(1);
    expect(valueOf(text, requests, { method: 'GET', route: '/v1/baseimage/{name}', status: '404' })).toBe(1);
    expect(valueOf(text, requests, { method: 'GET', route: '/v1/image', status: '401' })).toBe(1);
    expect(valueOf(text, requests, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(text, requests, { method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    // Tenant text (names, query strings, the org) is in no label.
    expect(text).not.toContain(tenantName);
    expect(text).not.toContain(service.org);
    expect(text).not.toContain('team=');

    const route = { method: 'GET', route: '/v1/image/{name}', status: '404' };
    const histogram = 'dispatch_api_http_request_duration_seconds';
    const buckets = samples(text).filter(
      (s) => s.name === `${histogram}_bucket` && Object.entries(route).every(([k, v]) => s.labels[k] === v),
    );
    expect(buckets.map((b) => b.labels.le)).toEqual(expect.arrayContaining(['0.005', '0.1', '1', '+Inf']));
    expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(1);
    // Cumulative: each bucket holds at least the one before it.
    expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b));
    expect(valueOf(text, `${histogram}_count`, route)).toBe(1);
    expect(valueOf(text, `${histogram}_sum`, route)).toBeGreaterThan(0);
    // The process's default metrics.
    expect(valueOf(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it("is not on the API's port, which tenants reach, nor in its document; the metrics listener serves /metrics only", async () => {
    expect((await service.app.request('/metrics')).status).toBe(404);
    const document = (await (await service.app.request('/openapi.json')).json()) as { paths: object };
    expect(Object.keys(document.paths)).not.toContain('/metrics');
    expect((await fetch(apiMetrics.url.replace('/metrics', '/v1/image'))).status).toBe(404);
    expect((await fetch(apiMetrics.url, { method: 'HEAD' })).status).toBe(200);
  });

  it("a worker's /metrics counts its pulls and builds, its slots per queue, and carries the SDK's own metrics", async () => {
    const before = await (await fetch(workerMetrics)).text();
    expect(valueOf(before, 'dispatch_worker_builds_total', { outcome: 'succeeded' })).toBeUndefined();

    // One verification that succeeds, one that fails for good (no such tag), then one image built on the first.
    await service.call('POST', '/v1/baseimage', { name: 'py', dockerUrl: pythonFixture(), language: 'python3' });
    const missing = `${pythonFixture().replace(/:[^:/]+$/, '')}:no-such-tag-${randomUUID().slice(0, 8)}`;
    await service.call('POST', '/v1/baseimage', { name: 'missing', dockerUrl: missing, language: 'python3' });
    expect((await settledBaseImage(service, 'py')).status).toBe('READY');
    expect((await settledBaseImage(service, 'missing')).status).toBe('ERROR');
    expect((await service.call('POST', '/v1/image', { name: 'plain', baseImageName: 'py' })).status).toBe(201);
    const image = await settledImage(service, 'plain');
    expect(image.reason).toEqual([]);
    expect(image.status).toBe('READY');

    // The build is counted by the activity that closed it, which may answer a moment after the image is READY.
    const text = await eventually('the build in the worker metrics', async () => {
      const scraped = await (await fetch(workerMetrics)).text();
      return valueOf(scraped, 'dispatch_worker_builds_total', { outcome: 'succeeded' }) ? scraped : undefined;
    });
    expectValidExposition(text);

    expect(valueOf(text, 'dispatch_worker_builds_total', { outcome: 'succeeded' })).toBe(1);
    expect(valueOf(text, 'dispatch_worker_build_duration_seconds_count', { outcome: 'succeeded' })).toBe(1);
    expect(valueOf(text, 'dispatch_worker_build_duration_seconds_bucket', { outcome: 'succeeded', le: '+Inf' })).toBe(
      1,
    );
    expect(valueOf(text, 'dispatch_worker_build_duration_seconds_sum', { outcome: 'succeeded' })).toBeGreaterThan(0);
    const pulls = 'dispatch_worker_base_image_pulls_total';
    expect(valueOf(text, pulls, { kind: 'verify', outcome: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, pulls, { kind: 'verify', outcome: 'failed' })).toBe(1);
    expect(
      valueOf(text, 'dispatch_worker_base_image_pull_duration_seconds_count', { kind: 'verify', outcome: 'failed' }),
    ).toBe(1);

    // Slots of the three queues this worker polls.
    const queues = {
      main: service.taskQueue,
      batch: batchQueueFor(service.taskQueue),
      verify: verifyQueueFor(service.taskQueue),
    };
    expect(valueOf(text, 'dispatch_worker_activity_slots_max', { task_queue: queues.main, kind: 'main' })).toBe(8);
    expect(valueOf(text, 'dispatch_worker_activity_slots_max', { task_queue: queues.batch, kind: 'batch' })).toBe(2);
    expect(valueOf(text, 'dispatch_worker_activity_slots_max', { task_queue: queues.verify, kind: 'verify' })).toBe(4);
    expect(valueOf(text, 'dispatch_worker_activity_slots_used', { task_queue: queues.main })).toBe(0);

    // The Temporal SDK's own metrics, read from its exporter, after ours in the same answer.
    expect(valueOf(text, 'dispatch_worker_sdk_metrics_up')).toBe(1);
    const names = new Set(samples(text).map((s) => s.name));
    expect([...names].filter((n) => n.startsWith('temporal_')).length).toBeGreaterThan(5);
    expect(
      samples(text).some(
        (s) => s.name === 'temporal_worker_task_slots_available' && s.labels.task_queue === queues.main,
      ),
    ).toBe(true);
    expect(text.indexOf('dispatch_worker_builds_total')).toBeLessThan(text.indexOf('temporal_'));
    expect(text).not.toContain(service.org);
    expect(valueOf(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('a metrics server beside workers run in the test process: one registry, a free port, no SDK part', async () => {
    const inProcess = await startTestService();
    cleanups.push(() => inProcess.close());
    const logger = createLogger('test-metrics', 'error');
    const [first, second] = [
      await startWorkerMetricsServer({ host: '127.0.0.1', port: 0, logger }),
      await startWorkerMetricsServer({ host: '127.0.0.1', port: 0, logger }),
    ];
    cleanups.push(
      () => first.close(),
      () => second.close(),
    );
    expect(first.port).not.toBe(second.port);
    const text = await eventually('the in-process worker slots', async () => {
      const scraped = await (await fetch(first.url)).text();
      return scraped.includes(`task_queue="${inProcess.taskQueue}"`) ? scraped : undefined;
    });
    expectValidExposition(text);
    expect(valueOf(text, 'dispatch_worker_activity_slots_max', { task_queue: inProcess.taskQueue })).toBe(8);
    expect(samples(text).filter((sample) => sample.name.startsWith('temporal_'))).toEqual([]);
    expect((await fetch(first.url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('a real Prometheus server scrapes the API and the worker: both targets up', async () => {
    const apiPort = apiMetrics.port;
    const workerTarget = new URL(workerMetrics).host;

    const dir = await mkdtemp(join(tmpdir(), 'dispatch-prometheus-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: api',
      `    static_configs: [{ targets: ["127.0.0.1:${apiPort}"] }]`,
      '  - job_name: worker',
      `    static_configs: [{ targets: ["${workerTarget}"] }]`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'prometheus.yml'), config);
    const port = await freePort();
    const prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const log = testLogFile('prometheus').stream;
    prometheus.stderr?.pipe(log, { end: false });
    const exited = once(prometheus, 'exit');
    cleanups.push(async () => {
      if (prometheus.exitCode === null && prometheus.signalCode === null) prometheus.kill('SIGTERM');
      await exited;
    });

    const query = async (promql: string) => {
      const url = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`;
      const body = (await (await fetch(url)).json()) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      return body.data.result;
    };
    // Both targets scraped without an error (a duplicate family or a malformed line makes a scrape fail: up 0).
    const up = await eventually(
      'Prometheus to report both targets up',
      async () => {
        if (prometheus.exitCode !== null) throw new Error(`prometheus exited with ${prometheus.exitCode}`);
        const result = await query('up');
        return result.length === 2 && result.every((r) => r.value[1] === '1') ? result : undefined;
      },
      60_000,
    );
    expect(up.map((r) => r.metric.job).sort()).toEqual(['api', 'worker']);
    const targets = (await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json()) as {
      data: { activeTargets: Array<{ health: string; lastError: string }> };
    };
    expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([
      ['up', ''],
      ['up', ''],
    ]);
    // What it stored: ours and the SDK's from the worker, the API's requests by template.
    expect(await query('dispatch_worker_builds_total{outcome="succeeded"}')).toHaveLength(1);
    expect((await query('{__name__=~"temporal_.+",job="worker"}')).length).toBeGreaterThan(0);
    expect((await query('dispatch_api_http_requests_total{route="/healthz"}')).length).toBeGreaterThan(0);
  });
});
