// The API's Prometheus metrics and its access log. One registry per process: the tests build many apps in one
// process, and every one of them counts here. Served by a listener of its own (API_METRICS_*), not on the API port.
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { startMetricsListener } from '../metrics-listener.js';

export const apiRegistry = new Registry();
collectDefaultMetrics({ register: apiRegistry });

const labelNames = ['method', 'route', 'status'] as const;

export const httpRequests = new Counter({
  name: 'dispatch_api_http_requests_total',
  help: 'HTTP requests answered, by method, route template (unmatched: no route) and status.',
  labelNames,
  registers: [apiRegistry],
});

export const httpDuration = new Histogram({
  name: 'dispatch_api_http_request_duration_seconds',
  help: 'Time to answer an HTTP request (until its handler returned; a streamed body may go on after), by method, route template and status.',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [apiRegistry],
});

/** The label of a request no route takes (404, 405): one value, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template that answered, as the OpenAPI document writes it (`/v1/image/{name}`), never the path: names
 * are tenant data, and raw paths would make a label of unbounded values. Middleware (method ALL) is not a route;
 * the last matched route is the handler (or, when a middleware refused the request, the one it would have reached).
 */
export function routeTemplate(c: Context): string {
  const route = matchedRoutes(c)
    .filter((r) => r.method !== 'ALL')
    .at(-1);
  return route ? route.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}') : UNMATCHED_ROUTE;
}

/**
 * Counts and times every request, and logs one access line per request (info): method, route template, status and
 * milliseconds. Never the path nor the query string: both carry tenant data (resource names, tag filters, cursors)
 * and would put it in every line; the template says which operation ran, which is what an access log is read for.
 * Nor the org, for the same reason.
 */
export function observeRequests(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      const route = routeTemplate(c);
      // Without a response (an error no handler turned into one), Hono answers 500.
      const status = String(c.finalized ? c.res.status : 500);
      httpRequests.inc({ method, route, status });
      httpDuration.observe({ method, route, status }, seconds);
      logger.info('request', { method, route, status: Number(status), ms: Math.round(seconds * 10_000) / 10 });
    }
  };
}

/** The API's GET /metrics (this process's registry) on host:port, apart from the API port; port 0: any free one. */
export function startApiMetricsListener(options: { host: string; port: number; logger: Logger }) {
  return startMetricsListener(options, {
    name: 'API',
    contentType: apiRegistry.contentType,
    render: () => apiRegistry.metrics(),
  });
}
