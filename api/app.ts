import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { baseImageRoutes } from './base-image-routes.js';
import { bundleRoutes } from './bundle-routes.js';
import { openApiRoutes } from './openapi/routes.js';
import { rebuildRoutes } from './rebuild-routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { imageRoutes } from './image-routes.js';
import { tokenRoutes } from './token-routes.js';
import { authenticate, type AppDeps, type AppEnv } from './context.js';
import { ApiError, createErrorHandler } from './errors.js';

/** The HTTP API: routes per resource under /v1, one error shape, health of every dependency. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => c.json({ code: 404, message: `no route for ${c.req.method} ${c.req.path}` }, 404));

  app.get('/healthz', async (c) => {
    const checks = await Promise.allSettled([
      deps.database.db.execute(sql`select 1`),
      deps.temporal.workflowService.getSystemInfo({}),
    ]);
    const [postgres, temporal] = checks.map((r) => (r.status === 'fulfilled' ? 'ok' : 'unreachable'));
    const healthy = checks.every((r) => r.status === 'fulfilled');
    return c.json({ status: healthy ? 'ok' : 'degraded', postgres, temporal }, healthy ? 200 : 503);
  });

  app.route('/', openApiRoutes(deps.config.languages));
  app.use('/v1/*', authenticate(deps));
  app.route('/v1/baseimage', baseImageRoutes(deps));
  app.route('/v1/image', imageRoutes(deps));
  app.route('/v1/token', tokenRoutes(deps));
  app.route('/v1/bundle', bundleRoutes(deps));
  app.route('/v1/rebuilds', rebuildRoutes(deps));
  app.route('/v1/rebuildschedules', scheduleRoutes(deps));
  app.all('/v1/*', () => {
    throw new ApiError(404, 'resource does not exist');
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
