import { z } from 'zod';
import { selectorSchema } from '../rebuild-model.js';
import { isoTime, unixTime } from './responses-common.js';

// The answers about batch rebuilds and rebuild schedules (see ./responses-common.ts for how they are kept true).

const rebuildSelectorSchema = selectorSchema.describe(
  'Which images: every image of the org, those of one base image, or those carrying a tag',
);

const planEntrySchema = z.strictObject({
  imageName: z.string(),
  baseImageName: z.string(),
  rebuild: z.boolean().describe('Whether the image is to be rebuilt; false means it is skipped'),
  reason: z.string().describe('Why it is rebuilt or skipped'),
});

export const rebuildPlanSchema = z
  .strictObject({
    id: z.uuid().describe('The id of the dry run, for GET /v1/rebuilds/{id}'),
    dryRun: z.literal(true),
    plan: z.array(planEntrySchema),
  })
  .describe('The plan of a dry run: what a rebuild would build, and why. Nothing was built.');

export const rebuildStartedSchema = z
  .strictObject({
    id: z.uuid().describe('The id of the rebuild, for GET /v1/rebuilds/{id}'),
    dryRun: z.literal(false),
    status: z.literal('RUNNING'),
  })
  .describe('A rebuild that was started; follow it with GET /v1/rebuilds/{id}.');

const rebuildFields = {
  id: z.uuid(),
  selector: rebuildSelectorSchema,
  dryRun: z.boolean(),
  force: z.boolean().describe('Whether images were rebuilt even when nothing they are built from changed'),
  trigger: z.string().describe('"api", or "schedule NAME" for a run of a rebuild schedule'),
  status: z.enum(['PLANNING', 'RUNNING', 'DONE']),
  createdTime: unixTime('When the rebuild started'),
  finishedTime: unixTime('When the rebuild ended').nullable(),
};

export const rebuildSchema = z
  .strictObject(rebuildFields)
  .describe('A batch rebuild (or its dry run), as listed; GET /v1/rebuilds/{id} adds its items.');

const rebuildItemSchema = z.strictObject({
  ...planEntrySchema.shape,
  reason: z.string().describe('Why it is rebuilt or skipped, or why its build failed'),
  outcome: z.string().describe('PLANNED (dry run), PENDING, RUNNING, SKIPPED, SUCCEEDED or FAILED'),
  buildId: z
    .uuid()
    .nullable()
    .describe("The image's build, when recorded; the builds a rebuild starts also carry its id (Build.rebuildId)"),
});

export const rebuildDetailSchema = z
  .strictObject({ ...rebuildFields, items: z.array(rebuildItemSchema).describe('One per selected image') })
  .describe('A batch rebuild (or its dry run) with its plan and what became of each image.');

const scheduleFields = {
  name: z.string(),
  cron: z.string().describe('When it runs, as a cron expression (in UTC)'),
  selector: rebuildSelectorSchema,
  force: z.boolean().describe('Whether its runs rebuild images even when nothing they are built from changed'),
  createdTime: unixTime('When the schedule was created'),
};

export const scheduleSchema = z
  .strictObject({
    ...scheduleFields,
    paused: z.boolean(),
    note: z.string().nullable().describe('The note Temporal keeps with the pause state (why it was paused)'),
    nextRunTimes: z.array(isoTime('A time the schedule is next due to run')),
    recentRuns: z.array(
      z.strictObject({
        scheduledAt: isoTime('When the run was due'),
        workflowId: z.string().describe('The Temporal workflow of the run'),
      }),
    ),
  })
  .describe('A rebuild schedule: a cron-driven batch rebuild, with its state from the Temporal Schedule.');

export const deletedScheduleSchema = z
  .strictObject({ ...scheduleFields, deleted: z.literal(true) })
  .describe('A deleted rebuild schedule (its Temporal Schedule is gone; its past rebuilds are kept).');
