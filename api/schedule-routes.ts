import { OpenAPIHono } from '@hono/zod-openapi';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, ServiceError } from '@temporalio/client';
import type { Context } from 'hono';
import { deleteSchedule, findSchedule, insertSchedule, listSchedules, SCHEDULE_ORDER } from '../db/rebuilds.js';
import type { RebuildScheduleRow } from '../db/schema.js';
import { createRebuildSchedule, describeSchedule, scheduleHandle } from '../client/rebuilds.js';
import type { Logger } from '../logger.js';
import type { AppDeps, AppEnv } from './context.js';
import { alreadyExists, ApiError, notFound } from './errors.js';
import { errors, jsonAnswer, jsonOrYamlBody, v1Route } from './openapi-route.js';
import { page, pageAnswer, PAGE_REFUSAL, pageQuery, pageWindow } from './paging.js';
import { DEVELOPERS, READERS } from './permissions.js';
import { checkSelector } from './rebuild-routes.js';
import {
  deletedScheduleSchema,
  scheduleBodySchema,
  scheduleSchema,
  toDeletedSchedule,
  toScheduleResource,
} from './rebuild-model.js';
import { nameParams } from './resource-schema.js';
import { shortestInterval, tooFrequent } from './schedule-interval.js';
import { unavailable } from './route-helpers.js';
import { TAGS } from './tags.js';

const SCHEDULE = 'rebuild schedule';

/**
 * Why Temporal refused a new schedule. The client parses a cron itself and throws a plain Error; the server
 * answers INVALID_ARGUMENT (gRPC 3); a schedule left behind under the same id is a conflict.
 */
function creationError(err: Error, label: string, logger: Logger): ApiError {
  if (err instanceof ScheduleAlreadyRunning)
    return new ApiError(409, `${label}: a Temporal schedule of that name exists`);
  const code = (err as { code?: number }).code ?? (err.cause as { code?: number } | undefined)?.code;
  if (code === 3 || (code === undefined && !(err instanceof ServiceError))) {
    return new ApiError(400, `${label}: cron: ${err.message}`);
  }
  return unavailable(logger, label, err);
}

const common = { resource: SCHEDULE, tags: [TAGS.schedules] };
const params = nameParams(SCHEDULE);
const scheduleErrors = errors({ 400: 'The name is malformed.', 404: 'rebuild schedule NAME not found.' });

/** POST /v1/rebuildschedules/{name}/ACTION: no body, the schedule as it is afterwards. */
const action = (name: 'pause' | 'unpause' | 'trigger', operationId: string, summary: string, description: string) =>
  v1Route({
    ...common,
    method: 'post',
    path: `/{name}/${name}`,
    operationId,
    summary,
    description,
    roles: DEVELOPERS,
    request: { params },
    responses: { 200: jsonAnswer(scheduleSchema, 'The schedule, afterwards.'), ...scheduleErrors },
  });

const route = {
  create: v1Route({
    ...common,
    method: 'post',
    path: '/',
    operationId: 'createRebuildSchedule',
    summary: 'Create a rebuild schedule',
    description: [
      'A Temporal Schedule (visible in the Temporal Web UI) starts a rebuild, not a dry run, at every time of the cron expression.',
      'A run that falls due while the previous one still runs is skipped; one Temporal could not start on time (while it was down) is still started if at most 10 minutes late.',
    ].join(' '),
    roles: DEVELOPERS,
    request: { body: jsonOrYamlBody(scheduleBodySchema, 'The new schedule.') },
    responses: {
      201: jsonAnswer(scheduleSchema, 'The stored schedule.'),
      ...errors({
        400: 'The body is invalid, selector.baseImageName names a base image that does not exist, or the cron expression was refused (nothing was stored).',
        409: 'A rebuild schedule of this name already exists.',
        413: true,
        503: true,
      }),
    },
  }),
  list: v1Route({
    ...common,
    method: 'get',
    path: '/',
    operationId: 'listRebuildSchedules',
    summary: 'List the rebuild schedules of the org, by name',
    roles: READERS,
    request: { query: pageQuery },
    responses: {
      200: pageAnswer(scheduleSchema, 'A page of the schedules, by name, each with its state from Temporal.'),
      ...errors({ 400: PAGE_REFUSAL }),
    },
  }),
  get: v1Route({
    ...common,
    method: 'get',
    path: '/{name}',
    operationId: 'getRebuildSchedule',
    summary: 'Get one rebuild schedule',
    roles: READERS,
    request: { params },
    responses: { 200: jsonAnswer(scheduleSchema, 'The schedule.'), ...scheduleErrors },
  }),
  remove: v1Route({
    ...common,
    method: 'delete',
    path: '/{name}',
    operationId: 'deleteRebuildSchedule',
    summary: 'Delete a rebuild schedule',
    description: 'Its Temporal Schedule is deleted too; the rebuilds it started are kept, and a running one goes on.',
    roles: DEVELOPERS,
    request: { params },
    responses: { 200: jsonAnswer(deletedScheduleSchema, 'The deleted schedule.'), ...scheduleErrors },
  }),
  pause: action(
    'pause',
    'pauseRebuildSchedule',
    'Pause a rebuild schedule',
    'No run falls due until it is unpaused. No body.',
  ),
  unpause: action(
    'unpause',
    'unpauseRebuildSchedule',
    'Unpause a rebuild schedule',
    'Runs fall due again from now on. No body.',
  ),
  trigger: action(
    'trigger',
    'triggerRebuildSchedule',
    'Run a rebuild schedule now',
    'Starts a run at once; while a previous run still runs, the new one starts when it ends. No body. The new run may not be among recentRuns yet.',
  ),
};

/** Rebuild schedules: cron-driven batch rebuilds, backed by Temporal Schedules (visible in the Web UI). */
export function scheduleRoutes({ database, starter, logger, config }: AppDeps) {
  const { db } = database;

  async function scheduleOf(c: Context<AppEnv>, name: string) {
    const row = await findSchedule(db, c.get('org'), name);
    if (!row) throw notFound(SCHEDULE, name);
    return row;
  }
  const withState = async (row: RebuildScheduleRow) =>
    toScheduleResource(row, await describeSchedule(starter, row.org, row.name));

  return new OpenAPIHono<AppEnv>()
    .openapi(route.create, async (c) => {
      const org = c.get('org');
      const { paused, ...spec } = c.req.valid('json');
      const label = `${SCHEDULE} ${spec.name}`;
      const refusal = tooFrequent(spec.cron, config.SCHEDULE_MIN_INTERVAL_MINUTES);
      const readable = shortestInterval(spec.cron) !== undefined;
      if (refusal && readable) throw new ApiError(400, `${label}: cron: ${refusal}`);
      await checkSelector(db, org, spec.selector, label);
      // One transaction: a schedule Temporal refuses (a cron it cannot read) leaves no row behind.
      const row = await db.transaction(async (tx) => {
        const inserted = await insertSchedule(tx, org, spec);
        if (!inserted) throw alreadyExists(SCHEDULE, spec.name);
        // A cron the interval check cannot read is shown to Temporal first (its refusal names the fault), created
        // paused so it never fires, and then refused all the same: a storm the check cannot see is still a storm.
        await createRebuildSchedule(starter, inserted, paused || !readable).catch((err: Error) => {
          throw creationError(err, label, logger);
        });
        if (!readable) {
          await scheduleHandle(starter, org, spec.name)
            .delete()
            .catch(() => undefined);
          throw new ApiError(400, `${label}: cron: ${refusal}`);
        }
        return inserted;
      });
      return c.json(await withState(row), 201);
    })
    .openapi(route.list, async (c) => {
      const query = c.req.valid('query');
      const rows = await listSchedules(db, c.get('org'), pageWindow(SCHEDULE, query, SCHEDULE_ORDER));
      // Temporal is asked about this page's schedules only.
      return c.json(await Promise.all(page(c, rows, query.limit, (row) => row.cursorKey).map(withState)), 200);
    })
    .openapi(route.get, async (c) => c.json(await withState(await scheduleOf(c, c.req.valid('param').name)), 200))
    .openapi(route.pause, async (c) => {
      const row = await scheduleOf(c, c.req.valid('param').name);
      await scheduleHandle(starter, row.org, row.name).pause('paused through the API');
      return c.json(await withState(row), 200);
    })
    .openapi(route.unpause, async (c) => {
      const row = await scheduleOf(c, c.req.valid('param').name);
      await scheduleHandle(starter, row.org, row.name).unpause('unpaused through the API');
      return c.json(await withState(row), 200);
    })
    .openapi(route.trigger, async (c) => {
      const row = await scheduleOf(c, c.req.valid('param').name);
      // A run in progress is not doubled: the triggered one starts when it ends.
      await scheduleHandle(starter, row.org, row.name).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
      return c.json(await withState(row), 200);
    })
    .openapi(route.remove, async (c) => {
      const row = await scheduleOf(c, c.req.valid('param').name);
      // A schedule already gone from Temporal must not keep its row forever.
      await scheduleHandle(starter, row.org, row.name)
        .delete()
        .catch((err) => {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        });
      await deleteSchedule(db, row.org, row.name);
      return c.json(toDeletedSchedule(row), 200);
    });
}
