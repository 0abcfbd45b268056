// The worker's /metrics: the process's own registry (activities/metrics.ts), then the Temporal SDK's own metrics
// (temporal_*), which the SDK's runtime exports on a loopback port of its own; one scrape gets both. Started by
// worker/main.ts only (config WORKER_METRICS_*): workers the tests run in their own process share the registry
// and never open a port.
import type { MetricsExporterConfig } from '@temporalio/worker';
import type { Logger } from '../logger.js';
import { startMetricsListener, type MetricsListener } from '../metrics-listener.js';
import { sdkMetricsUp, workerRegistry } from '../activities/metrics.js';

/** The SDK's exporter (Runtime.install telemetryOptions.metrics), on loopback: only this worker's /metrics reads it. */
export function sdkPrometheusExporter(port: number): MetricsExporterConfig {
  return {
    prometheus: {
      bindAddress: `127.0.0.1:${port}`,
      // Prometheus' conventions: counters end in _total, durations are seconds (and say so in their names).
      countersTotalSuffix: true,
      useSecondsForDurations: true,
      unitSuffix: true,
    },
  };
}

export const sdkMetricsUrl = (port: number) => `http://127.0.0.1:${port}/metrics`;

/** The family a sample or comment line belongs to: its metric name, less a histogram's or summary's suffix. */
const familyOf = (name: string, families: Set<string>) =>
  families.has(name) ? name : name.replace(/_(bucket|sum|count|total|created)$/, '');

const FAMILY_LINE = /^# (?:HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)/;
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/;

/**
 * Our text followed by the SDK's, still one valid exposition: a family the SDK exports that we export too is left
 * out of its part (a family may appear only once), and its part ends with a newline.
 */
export function concatExpositions(ours: string, sdk: string, ourFamilies: Iterable<string>): string {
  const families = new Set(ourFamilies);
  const kept = sdk.split('\n').filter((line) => {
    const name = (FAMILY_LINE.exec(line) ?? SAMPLE_LINE.exec(line))?.[1];
    return !name || !families.has(familyOf(name, families));
  });
  const theirs = kept.join('\n').trim();
  return `${ours.endsWith('\n') || ours === '' ? ours : `${ours}\n`}${theirs ? `${theirs}\n` : ''}`;
}

async function readSdkMetrics(url: string | undefined, logger: Logger): Promise<string> {
  if (!url) return '';
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    sdkMetricsUp.set(1);
    return text;
  } catch (err) {
    sdkMetricsUp.set(0);
    logger.warn("could not read the Temporal SDK's metrics", { url, error: String(err) });
    return '';
  }
}

/** One scrape's text: the SDK's part is read first, so that dispatch_worker_sdk_metrics_up describes this scrape. */
export async function workerMetricsText(sdkUrl: string | undefined, logger: Logger): Promise<string> {
  const sdk = await readSdkMetrics(sdkUrl, logger);
  const ours = await workerRegistry.metrics();
  return concatExpositions(
    ours,
    sdk,
    workerRegistry.getMetricsAsArray().map((m) => m.name),
  );
}

export type WorkerMetricsServer = MetricsListener;

/** Serves the worker's GET /metrics on host:port (port 0: any free one, answered in `port`). */
export async function startWorkerMetricsServer(options: {
  host: string;
  port: number;
  /** The SDK exporter's /metrics, read on each scrape; absent: our metrics only. */
  sdkMetricsUrl?: string;
  logger: Logger;
}): Promise<WorkerMetricsServer> {
  return startMetricsListener(options, {
    name: 'worker',
    contentType: workerRegistry.contentType,
    render: () => workerMetricsText(options.sdkMetricsUrl, options.logger),
  });
}
