import { OpenAPIHono } from '@hono/zod-openapi';
import { TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { findBaseImage } from '../db/base-images.js';
import { deleteRebuild, findRebuild, listRebuilds, openRebuild, REBUILD_ORDER } from '../db/rebuilds.js';
import type { RebuildSelector } from '../db/schema.js';
import type { Queryable } from '../db/client.js';
import { planRebuild, startRebuild } from '../client/rebuilds.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { errors, jsonAnswer, jsonOrYamlBody, v1Route } from './openapi-route.js';
import { page, pageAnswer, PAGE_REFUSAL, pageQuery, pageWindow } from './paging.js';
import { DEVELOPERS, READERS } from './permissions.js';
import {
  rebuildBodySchema,
  rebuildDetailSchema,
  rebuildPlanSchema,
  rebuildSchema,
  rebuildStartedSchema,
  toRebuildDetail,
  toRebuildResource,
} from './rebuild-model.js';
import { idParams } from './resource-schema.js';
import { unavailable } from './route-helpers.js';
import { TAGS } from './tags.js';

/** A selector naming a base image that does not exist is a typo, not an empty plan. */
export async function checkSelector(db: Queryable, org: string, selector: RebuildSelector, label: string) {
  if ('baseImageName' in selector && !(await findBaseImage(db, org, selector.baseImageName))) {
    throw new ApiError(400, `${label}: selector.baseImageName: base image ${selector.baseImageName} not found`);
  }
}

const common = { resource: 'rebuild', tags: [TAGS.rebuilds] };

const route = {
  start: v1Route({
    ...common,
    method: 'post',
    path: '/',
    operationId: 'startRebuild',
    summary: 'Plan (dry run) or start a batch rebuild',
    description: [
      "The selected images' base images are verified (pulled) again, then each image is planned: rebuilt when its build inputs changed since its last successful build (or always when forced), skipped otherwise.",
      'A dry run answers the plan (200) once it is computed, which takes seconds, and builds nothing; one that takes longer than the server waits answers 202 with its id.',
      'Otherwise the rebuild runs in the background (202) with a few builds at a time; images with identical inputs are built once and the others reuse that image.',
    ].join(' '),
    roles: DEVELOPERS,
    request: { body: jsonOrYamlBody(rebuildBodySchema, 'What to rebuild.') },
    responses: {
      200: jsonAnswer(rebuildPlanSchema, 'dryRun: the plan; nothing was built.'),
      202: jsonAnswer(
        rebuildStartedSchema,
        'The rebuild has started; or, for a dry run whose plan takes longer than the server waits ' +
          '(REBUILD_DRY_RUN_WAIT_SECONDS), the dry run is still PLANNING: its plan is read with GET /v1/rebuilds/{id} once DONE.',
      ),
      ...errors({
        400: 'The body is invalid, or selector.baseImageName names a base image that does not exist.',
        413: true,
        503: 'The workflow service (Temporal) did not accept the rebuild, or the dry run did not complete; try again.',
      }),
    },
  }),
  list: v1Route({
    ...common,
    method: 'get',
    path: '/',
    operationId: 'listRebuilds',
    summary: 'List the recent rebuilds of the org, newest first',
    description: 'Dry runs and scheduled runs included, without their items.',
    roles: READERS,
    request: { query: pageQuery },
    responses: {
      200: pageAnswer(rebuildSchema, 'A page of the rebuilds, newest first.'),
      ...errors({ 400: PAGE_REFUSAL }),
    },
  }),
  get: v1Route({
    ...common,
    method: 'get',
    path: '/{id}',
    operationId: 'getRebuild',
    summary: 'Get one rebuild with its items',
    roles: READERS,
    request: { params: idParams('rebuild', 'GET /v1/rebuilds') },
    responses: {
      200: jsonAnswer(rebuildDetailSchema, 'The rebuild, its plan and what became of each image.'),
      ...errors({ 400: 'The id is not a UUID.', 404: 'rebuild ID not found.' }),
    },
  }),
};

/** POST /v1/rebuilds plans (dryRun) or runs a batch rebuild; GET shows plans and their progress. */
export function rebuildRoutes({ database, starter, logger }: AppDeps) {
  const { db } = database;
  return new OpenAPIHono<AppEnv>()
    .openapi(route.start, async (c) => {
      const org = c.get('org');
      const body = c.req.valid('json');
      await checkSelector(db, org, body.selector, 'rebuild');
      const request = { ...body, org, trigger: 'api', rebuildId: randomUUID() };
      // Recorded before the workflow starts, so the id answered below can be read at once.
      await openRebuild(db, { id: request.rebuildId, ...body, org, trigger: 'api' });
      try {
        if (body.dryRun) {
          const planned = await planRebuild(starter, request);
          // Too slow to answer in the request's time: the dry run goes on, and its id is followed.
          if (!planned)
            return c.json({ id: request.rebuildId, dryRun: true as const, status: 'PLANNING' as const }, 202);
          const found = await findRebuild(db, org, request.rebuildId);
          const plan = (found?.items ?? []).map(({ imageName, baseImageName, rebuild, reason }) => ({
            imageName,
            baseImageName,
            rebuild,
            reason,
          }));
          return c.json({ id: request.rebuildId, dryRun: true as const, plan }, 200);
        }
        await startRebuild(starter, request);
      } catch (err) {
        await deleteRebuild(db, request.rebuildId);
        if (err instanceof WorkflowFailedError && err.cause instanceof TimeoutFailure) {
          throw new ApiError(503, `rebuild ${request.rebuildId}: the dry run did not complete in time; try again`);
        }
        if (err instanceof WorkflowFailedError) {
          throw new ApiError(500, `rebuild plan failed: ${err.cause?.message ?? err.message}`);
        }
        throw unavailable(logger, `rebuild ${request.rebuildId}`, err);
      }
      return c.json({ id: request.rebuildId, dryRun: false as const, status: 'RUNNING' as const }, 202);
    })
    .openapi(route.list, async (c) => {
      const query = c.req.valid('query');
      const rows = await listRebuilds(db, c.get('org'), pageWindow('rebuild', query, REBUILD_ORDER));
      return c.json(page(c, rows, query.limit, (row) => row.cursorKey).map(toRebuildResource), 200);
    })
    .openapi(route.get, async (c) => {
      const { id } = c.req.valid('param');
      const found = await findRebuild(db, c.get('org'), id);
      if (!found) throw new ApiError(404, `rebuild ${id} not found`);
      return c.json(toRebuildDetail(found, found.items), 200);
    });
}
