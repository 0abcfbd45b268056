import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, ServiceError } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { deleteSchedule, findSchedule, insertSchedule, listSchedules } from '../db/rebuilds.js';
import { createRebuildSchedule, describeSchedule, scheduleHandle } from '../client/rebuilds.js';
import { limitBody, readBody } from './body.js';
import type { Logger } from '../logger.js';
import type { AppDeps, AppEnv } from './context.js';
import { alreadyExists, ApiError, notFound } from './errors.js';
import { checkSelector } from './rebuild-routes.js';
import { scheduleBodySchema, toScheduleResource } from './rebuild-model.js';
import { shortestInterval, tooFrequent } from './schedule-interval.js';
import { labelFor, nameFromPath, parseBody, unavailable } from './route-helpers.js';

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

/** Rebuild schedules: cron-driven batch rebuilds, backed by Temporal Schedules (visible in the Web UI). */
export function scheduleRoutes({ database, starter, logger, config }: AppDeps) {
  const { db } = database;

  async function scheduleOf(c: Context<AppEnv>) {
    const name = nameFromPath(c, SCHEDULE);
    const row = await findSchedule(db, c.get('org'), name);
    if (!row) throw notFound(SCHEDULE, name);
    return row;
  }
  const answer = async (c: Context<AppEnv>, row: Awaited<ReturnType<typeof scheduleOf>>, status: 200 | 201 = 200) =>
    c.json(toScheduleResource(row, await describeSchedule(starter, row.org, row.name)), status);

  return new Hono<AppEnv>()
    .post('/', limitBody, async (c) => {
      const org = c.get('org');
      const raw = await readBody(c, SCHEDULE);
      const label = labelFor(SCHEDULE, raw);
      const { paused, ...spec } = parseBody(scheduleBodySchema, raw, label);
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
      return answer(c, row, 201);
    })
    .get('/', async (c) => {
      const rows = await listSchedules(db, c.get('org'));
      const described = await Promise.all(rows.map((row) => describeSchedule(starter, row.org, row.name)));
      return c.json(rows.map((row, i) => toScheduleResource(row, described[i] ?? {})));
    })
    .get('/:name', async (c) => answer(c, await scheduleOf(c)))
    .post('/:name/pause', async (c) => {
      const row = await scheduleOf(c);
      await scheduleHandle(starter, row.org, row.name).pause('paused through the API');
      return answer(c, row);
    })
    .post('/:name/unpause', async (c) => {
      const row = await scheduleOf(c);
      await scheduleHandle(starter, row.org, row.name).unpause('unpaused through the API');
      return answer(c, row);
    })
    .post('/:name/trigger', async (c) => {
      const row = await scheduleOf(c);
      // A run in progress is not doubled: the triggered one starts when it ends.
      await scheduleHandle(starter, row.org, row.name).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
      return answer(c, row);
    })
    .delete('/:name', async (c) => {
      const row = await scheduleOf(c);
      // A schedule already gone from Temporal must not keep its row forever.
      await scheduleHandle(starter, row.org, row.name)
        .delete()
        .catch((err) => {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        });
      await deleteSchedule(db, row.org, row.name);
      return c.json({ ...toScheduleResource(row, {}), deleted: true });
    });
}
