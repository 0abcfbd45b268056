import { errors, json, ref } from './content.js';
import type { OperationKit } from './operations.js';
import { nameParam } from './parameters.js';
import { SCHEDULES } from './tags.js';
import type { Paths, ResponseObject } from './types.js';

// The paths of rebuild schedules: create, list, get and delete them, pause, unpause or run them now.

const SCHEDULE = 'rebuild schedule';

const scheduleAnswer = (description: string): ResponseObject => ({
  description,
  content: json(ref('RebuildSchedule')),
});

export function schedulePaths({ op, body }: OperationKit): Paths {
  const scheduleErrors = errors({ 400: 'The name is malformed.', 404: 'rebuild schedule NAME not found.' });
  return {
    '/v1/rebuildschedules': {
      get: op('listRebuildSchedules', SCHEDULES, 'List the rebuild schedules of the org, by name', {
        responses: {
          200: {
            description: 'The schedules, each with its state from Temporal.',
            content: json({ type: 'array', items: ref('RebuildSchedule') }),
          },
          ...errors({}),
        },
      }),
      post: op('createRebuildSchedule', SCHEDULES, 'Create a rebuild schedule', {
        description: [
          'A Temporal Schedule (visible in the Temporal Web UI) starts a rebuild, not a dry run, at every time of the cron expression.',
          'A run that falls due while the previous one still runs is skipped; one Temporal could not start on time (while it was down) is still started if at most 10 minutes late.',
        ].join(' '),
        requestBody: body('RebuildScheduleBody', 'The new schedule.'),
        responses: {
          201: scheduleAnswer('The stored schedule.'),
          ...errors({
            400: 'The body is invalid, selector.baseImageName names a base image that does not exist, or Temporal refused the cron expression (nothing was stored).',
            409: 'A rebuild schedule of this name already exists.',
            413: true,
            503: true,
          }),
        },
      }),
    },
    '/v1/rebuildschedules/{name}': {
      get: op('getRebuildSchedule', SCHEDULES, 'Get one rebuild schedule', {
        parameters: [nameParam(SCHEDULE)],
        responses: { 200: scheduleAnswer('The schedule.'), ...scheduleErrors },
      }),
      delete: op('deleteRebuildSchedule', SCHEDULES, 'Delete a rebuild schedule', {
        description:
          'Its Temporal Schedule is deleted too; the rebuilds it started are kept, and a running one goes on.',
        parameters: [nameParam(SCHEDULE)],
        responses: {
          200: { description: 'The deleted schedule.', content: json(ref('DeletedRebuildSchedule')) },
          ...scheduleErrors,
        },
      }),
    },
    '/v1/rebuildschedules/{name}/pause': {
      post: op('pauseRebuildSchedule', SCHEDULES, 'Pause a rebuild schedule', {
        description: 'No run falls due until it is unpaused. No body.',
        parameters: [nameParam(SCHEDULE)],
        responses: { 200: scheduleAnswer('The schedule, paused.'), ...scheduleErrors },
      }),
    },
    '/v1/rebuildschedules/{name}/unpause': {
      post: op('unpauseRebuildSchedule', SCHEDULES, 'Unpause a rebuild schedule', {
        description: 'Runs fall due again from now on. No body.',
        parameters: [nameParam(SCHEDULE)],
        responses: { 200: scheduleAnswer('The schedule, unpaused.'), ...scheduleErrors },
      }),
    },
    '/v1/rebuildschedules/{name}/trigger': {
      post: op('triggerRebuildSchedule', SCHEDULES, 'Run a rebuild schedule now', {
        description: 'Starts a run at once, even while a previous run still runs. No body.',
        parameters: [nameParam(SCHEDULE)],
        responses: {
          200: scheduleAnswer('The schedule (the new run may not be among its recentRuns yet).'),
          ...scheduleErrors,
        },
      }),
    },
  };
}
