import { WorkflowFailedError } from '@temporalio/client';
import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { findBaseImage } from '../db/base-images.js';
import { deleteRebuild, findRebuild, listRebuilds, openRebuild } from '../db/rebuilds.js';
import type { RebuildSelector } from '../db/schema.js';
import type { Queryable } from '../db/client.js';
import { planRebuild, startRebuild } from '../client/rebuilds.js';
import { limitBody, readBody } from './body.js';
import type { AppDeps, AppEnv } from './context.js';
import { isUuid } from './resource-schema.js';
import { ApiError } from './errors.js';
import { rebuildBodySchema, toRebuildResource } from './rebuild-model.js';
import { parseBody, unavailable } from './route-helpers.js';

/** A selector naming a base image that does not exist is a typo, not an empty plan. */
export async function checkSelector(db: Queryable, org: string, selector: RebuildSelector, label: string) {
  if ('baseImageName' in selector && !(await findBaseImage(db, org, selector.baseImageName))) {
    throw new ApiError(400, `${label}: selector.baseImageName: base image ${selector.baseImageName} not found`);
  }
}

/** POST /v1/rebuilds plans (dryRun) or runs a batch rebuild; GET shows plans and their progress. */
export function rebuildRoutes({ database, starter, logger }: AppDeps) {
  const { db } = database;
  return new Hono<AppEnv>()
    .post('/', limitBody, async (c) => {
      const org = c.get('org');
      const body = parseBody(rebuildBodySchema, await readBody(c, 'rebuild'), 'rebuild');
      await checkSelector(db, org, body.selector, 'rebuild');
      const request = { ...body, org, trigger: 'api', rebuildId: randomUUID() };
      // Recorded before the workflow starts, so the id answered below can be read at once.
      await openRebuild(db, { id: request.rebuildId, ...body, org, trigger: 'api' });
      try {
        if (body.dryRun) {
          const { plan } = await planRebuild(starter, request);
          return c.json({ id: request.rebuildId, dryRun: true, plan });
        }
        await startRebuild(starter, request);
      } catch (err) {
        await deleteRebuild(db, request.rebuildId);
        if (err instanceof WorkflowFailedError) {
          throw new ApiError(500, `rebuild plan failed: ${err.cause?.message ?? err.message}`);
        }
        throw unavailable(logger, `rebuild ${request.rebuildId}`, err);
      }
      return c.json({ id: request.rebuildId, dryRun: false, status: 'RUNNING' }, 202);
    })
    .get('/', async (c) => c.json((await listRebuilds(db, c.get('org'))).map((row) => toRebuildResource(row))))
    .get('/:id', async (c) => {
      const id = c.req.param('id');
      const found = isUuid(id) ? await findRebuild(db, c.get('org'), id) : undefined;
      if (!found) throw new ApiError(404, `rebuild ${id} not found`);
      return c.json(toRebuildResource(found, found.items));
    });
}
