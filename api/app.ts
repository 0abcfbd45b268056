import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { baseImageRoutes } from './base-image-routes.js';
import { MAX_BODY_BYTES } from './body.js';
import { bundleRoutes } from './bundle-routes.js';
import { authenticate, type AppDeps, type AppEnv } from './context.js';
import { openApiPage } from './docs/page.js';
import { platformTokenRoutes } from './platform-token-routes.js';
import { organizationRoutes } from './organization-routes.js';
import { createErrorHandler, refuseInvalid } from './errors.js';
import { imageRoutes } from './image-routes.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { observeRequests } from './metrics.js';
import { packageRoutes } from './package-routes.js';
import { jsonAnswer, SECURITY_SCHEME } from './openapi-route.js';
import { ROLE_RULES } from './permissions.js';
import { rebuildRoutes } from './rebuild-routes.js';
import { sbomRoutes } from './sbom-routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { TAG_DESCRIPTIONS, TAGS } from './tags.js';
import { tokenRoutes } from './token-routes.js';

const healthSchema = z
  .strictObject({
    status: z.enum(['ok', 'degraded']),
    postgres: z.enum(['ok', 'unreachable']),
    temporal: z.enum(['ok', 'unreachable']),
  })
  .openapi('Health');

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'health',
  summary: 'Health of the API and of every dependency (Postgres, Temporal)',
  tags: [TAGS.health],
  security: [],
  responses: {
    200: jsonAnswer(healthSchema, 'Everything answers.'),
    503: jsonAnswer(healthSchema, 'A dependency does not answer.'),
  },
});

const documentRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'openApiDocument',
  summary: 'This OpenAPI document',
  tags: [TAGS.documentation],
  security: [],
  responses: { 200: jsonAnswer(z.record(z.string(), z.unknown()), 'The OpenAPI 3.1 document.') },
});

const pageRoute = createRoute({
  method: 'get',
  path: '/docs',
  operationId: 'openApiReference',
  summary: 'A readable reference of this API',
  tags: [TAGS.documentation],
  security: [],
  responses: { 200: { description: 'An HTML page.', content: { 'text/html': { schema: z.string() } } } },
});

const documentInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Dispatch images API',
    version: 'v1',
    description: [
      'Base images and the images built on them, on Temporal; batch rebuilds of images, on demand or on a schedule.',
      'Bodies are JSON; POST and PUT also accept YAML (Content-Type: application/yaml).',
      `Every error body is {"code": <http status>, "message": "..."}. Bodies over ${MAX_BODY_BYTES} bytes are refused with 413.`,
      `Every /v1 request needs Authorization: Bearer <token>; the token names the org and the role (${ROLE_RULES}).`,
    ].join(' '),
  },
  tags: TAG_DESCRIPTIONS,
};

/**
 * The HTTP API: routes per resource under /v1, each declared once with @hono/zod-openapi (validation, handler
 * types and its part of /openapi.json); one error shape; health of every dependency.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: refuseInvalid });
  app.onError(createErrorHandler(deps.logger));
  // First, so that every request is counted and logged, the refused and the unrouted ones included.
  app.use('*', observeRequests(deps.logger));
  // No /metrics here: tenants reach this port. The API's metrics have a listener of their own (api/main.ts).

  app.openapi(healthRoute, async (c) => {
    const checks = await Promise.allSettled([
      deps.database.db.execute(sql`select 1`),
      deps.temporal.workflowService.getSystemInfo({}),
    ]);
    const [postgres, temporal] = checks.map((r) => (r.status === 'fulfilled' ? 'ok' : 'unreachable')) as [
      'ok' | 'unreachable',
      'ok' | 'unreachable',
    ];
    const healthy = checks.every((r) => r.status === 'fulfilled');
    return healthy
      ? c.json({ status: 'ok' as const, postgres, temporal }, 200)
      : c.json({ status: 'degraded' as const, postgres, temporal }, 503);
  });

  app.use('/v1/*', authenticate(deps));
  app.route('/v1/baseimage', baseImageRoutes(deps));
  app.route('/v1/image', imageRoutes(deps));
  app.route('/v1/image', sbomRoutes(deps));
  app.route('/v1/token', tokenRoutes(deps));
  app.route('/v1/org', organizationRoutes(deps));
  app.route('/v1/platform/token', platformTokenRoutes(deps));
  app.route('/v1/bundle', bundleRoutes(deps));
  app.route('/v1/rebuilds', rebuildRoutes(deps));
  app.route('/v1/rebuildschedules', scheduleRoutes(deps));
  app.route('/v1/packages', packageRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: `Authorization: Bearer <token>. The token belongs to one org and has one role: ${ROLE_RULES}. Each operation lists the roles it allows.`,
  });
  app.openapi(documentRoute, (c) => c.json(document, 200));
  app.openapi(pageRoute, (c) => {
    // The page is self-contained: nothing to load, no script to run.
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(page, 200);
  });
  // Generated once, when the app is built (the routes above included): the routes never change afterwards.
  const document = app.getOpenAPI31Document(documentInfo);
  const page = openApiPage(document);

  app.notFound(methodNotAllowed(document));
  return app;
}

export type App = ReturnType<typeof createApp>;
