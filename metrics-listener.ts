// One small HTTP listener per process that serves GET /metrics (Prometheus text) and nothing else, on an address
// of the operator's choosing: the API's (api/main.ts) and each worker's (worker/main.ts). Kept off the API's own
// port, which tenants reach.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';

export type MetricsListener = { port: number; url: string; close(): Promise<void> };

export type MetricsSource = {
  /** Which process's metrics, for the log line. */
  name: string;
  contentType: string;
  /** One scrape's text. */
  render(): Promise<string>;
};

/** Serves GET (and HEAD) /metrics on host:port (port 0: any free one, answered in `port`); anything else is a 404. */
export async function startMetricsListener(
  options: { host: string; port: number; logger: Logger },
  source: MetricsSource,
): Promise<MetricsListener> {
  const { logger } = options;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    source.render().then(
      (text) => res.writeHead(200, { 'Content-Type': source.contentType }).end(req.method === 'HEAD' ? '' : text),
      (err: unknown) => {
        logger.error('metrics scrape failed', { error: String(err) });
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host}:${port}/metrics`;
  logger.info(`${source.name} metrics listening`, { address: url });
  return { port, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
