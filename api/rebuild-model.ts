import { z } from '@hono/zod-openapi';
import type { RebuildItemRow, RebuildRow, RebuildScheduleRow } from '../db/schema.js';
import { packageFilterSchema } from './package-model.js';
import { isoTime, nameSchema, tagSchema, unixSeconds, unixTime } from './resource-schema.js';

// The contract of batch rebuilds and their schedules: what POST takes, what GET answers.

const SELECTOR_RULE =
  'must be {all: true}, {baseImageName: NAME}, {tag: {key, value}} or {package: {name, ecosystem?, version?}}';

/** Which images a rebuild takes: all of the org's, those of one base image, carrying a tag, or holding a package. */
export const selectorSchema = z
  .union(
    [
      z.strictObject({ all: z.literal(true) }),
      z.strictObject({ baseImageName: nameSchema }),
      z.strictObject({ tag: tagSchema }),
      z.strictObject({ package: packageFilterSchema }),
    ],
    {
      // The one kind of selector the input names says what is wrong inside it; otherwise the kinds there are.
      error: (issue) => {
        const inner =
          issue.code === 'invalid_union' ? issue.errors.find((option) => option.every((e) => e.path.length > 1)) : [];
        return inner?.length ? inner.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ') : SELECTOR_RULE;
      },
    },
  )
  .openapi('RebuildSelector', {
    description:
      'Which images: {"all": true} for every image of the org, {"baseImageName": NAME} for the images of a base image (which must exist), {"tag": {"key": K, "value": V}} for the images carrying a tag, or {"package": {"name": N, "ecosystem": E, "version": RANGE}} for the images whose current build holds the package (ecosystem and version optional; the version range as GET /v1/packages reads it).',
  });

const FORCE =
  'Rebuild every selected image whose base image could be verified; otherwise only those never built successfully or whose build inputs (base image digest, dependencies, template) changed since their last successful build.';

export const rebuildBodySchema = z
  .strictObject({
    selector: selectorSchema,
    dryRun: z.boolean().default(false).openapi({
      description:
        'Only plan: answer what would be rebuilt and why, and build nothing. The base images are verified again either way.',
    }),
    force: z.boolean().default(false).openapi({ description: FORCE }),
  })
  .openapi('RebuildBody', { description: 'A batch rebuild, as sent to POST /v1/rebuilds (JSON or YAML).' });

// Five or six fields (numbers, ranges, steps, lists, names such as MON or JAN), optionally after a CRON_TZ=
// prefix, or a descriptor: what api/schedule-interval.ts and Temporal read. Whether the numbers are in range is
// checked after this pattern, when the schedule is created.
const CRON_ATOM = '(?:\\*|\\?|[0-9]{1,4}(?:-[0-9]{1,4})?|[A-Za-z]{3}(?:-[A-Za-z]{3})?)(?:/[0-9]{1,4})?';
const CRON_FIELD = `${CRON_ATOM}(?:,${CRON_ATOM})*`;
const GO_DURATION = '(?:[0-9]+(?:\\.[0-9]+)?(?:ns|us|ms|s|m|h))+';
export const CRON = new RegExp(
  `^(?:(?:CRON_)?TZ=[A-Za-z0-9_/+-]+ +)?(?:@(?:yearly|annually|monthly|weekly|daily|hourly)|@every ${GO_DURATION}|${CRON_FIELD}(?: +${CRON_FIELD}){4,5})$`,
);

export const scheduleBodySchema = z
  .strictObject({
    name: nameSchema,
    cron: z
      .string({ error: 'is required' })
      .trim()
      .regex(CRON, 'must be a cron expression such as "0 3 * * *"')
      .openapi({
        description:
          'When to run, in UTC: five or six cron fields ("0 3 * * *") or a descriptor (@daily, @every 6h); what the fields say is checked too (a bad field or a schedule more frequent than the server allows is a 400).',
      }),
    selector: selectorSchema,
    force: z.boolean().default(false).openapi({ description: FORCE }),
    paused: z.boolean().default(false).openapi({ description: 'Create the schedule paused.' }),
  })
  .openapi('RebuildScheduleBody', {
    description:
      'A rebuild schedule, as sent to POST /v1/rebuildschedules (JSON or YAML); its runs are rebuilds that are not dry runs.',
  });

const planEntrySchema = z.strictObject({
  imageName: z.string(),
  baseImageName: z.string(),
  rebuild: z.boolean().openapi({ description: 'Whether the image is to be rebuilt; false means it is skipped' }),
  reason: z.string().openapi({ description: 'Why it is rebuilt or skipped' }),
});

export const rebuildPlanSchema = z
  .strictObject({
    id: z.uuid().openapi({ description: 'The id of the dry run, for GET /v1/rebuilds/{id}' }),
    dryRun: z.literal(true),
    plan: z.array(planEntrySchema),
  })
  .openapi('RebuildPlan', {
    description: 'The plan of a dry run: what a rebuild would build, and why. Nothing was built.',
  });

export const rebuildStartedSchema = z
  .strictObject({
    id: z.uuid().openapi({ description: 'The id of the rebuild, for GET /v1/rebuilds/{id}' }),
    dryRun: z.boolean(),
    status: z.enum(['RUNNING', 'PLANNING']).openapi({
      description: 'RUNNING: a rebuild that was started; PLANNING: a dry run still planning',
    }),
  })
  .openapi('RebuildStarted', {
    description: 'A rebuild that was started, or a slow dry run still planning; follow it with GET /v1/rebuilds/{id}.',
  });

const rebuildFields = {
  id: z.uuid(),
  selector: selectorSchema,
  dryRun: z.boolean(),
  force: z
    .boolean()
    .openapi({ description: 'Whether images were rebuilt even when nothing they are built from changed' }),
  trigger: z.string().openapi({ description: '"api", or "schedule NAME" for a run of a rebuild schedule' }),
  status: z.enum(['PLANNING', 'RUNNING', 'DONE']),
  createdTime: unixTime('When the rebuild started'),
  finishedTime: unixTime('When the rebuild ended').nullable(),
};

export const rebuildSchema = z.strictObject(rebuildFields).openapi('Rebuild', {
  description: 'A batch rebuild (or its dry run), as listed; GET /v1/rebuilds/{id} adds its items.',
});

const rebuildItemSchema = z.strictObject({
  ...planEntrySchema.shape,
  reason: z.string().openapi({ description: 'Why it is rebuilt or skipped, or why its build failed' }),
  outcome: z.string().openapi({ description: 'PLANNED (dry run), PENDING, RUNNING, SKIPPED, SUCCEEDED or FAILED' }),
  buildId: z.uuid().nullable().openapi({
    description: "The image's build, when recorded; the builds a rebuild starts also carry its id (Build.rebuildId)",
  }),
});

export const rebuildDetailSchema = z
  .strictObject({
    ...rebuildFields,
    items: z.array(rebuildItemSchema).openapi({ description: 'One per selected image' }),
  })
  .openapi('RebuildDetail', {
    description: 'A batch rebuild (or its dry run) with its plan and what became of each image.',
  });

const scheduleFields = {
  name: z.string(),
  cron: z.string().openapi({ description: 'When it runs, as a cron expression (in UTC)' }),
  selector: selectorSchema,
  force: z
    .boolean()
    .openapi({ description: 'Whether its runs rebuild images even when nothing they are built from changed' }),
  createdTime: unixTime('When the schedule was created'),
};

/** What Temporal knows of a schedule (client/rebuilds.ts `describeSchedule`). */
export const scheduleStateSchema = z.strictObject({
  paused: z.boolean(),
  note: z
    .string()
    .nullable()
    .openapi({ description: 'The note Temporal keeps with the pause state (why it was paused)' }),
  nextRunTimes: z.array(isoTime('A time the schedule is next due to run')),
  recentRuns: z.array(
    z.strictObject({
      scheduledAt: isoTime('When the run was due'),
      workflowId: z.string().openapi({ description: 'The Temporal workflow of the run' }),
    }),
  ),
});

export const scheduleSchema = z
  .strictObject({ ...scheduleFields, ...scheduleStateSchema.shape })
  .openapi('RebuildSchedule', {
    description: 'A rebuild schedule: a cron-driven batch rebuild, with its state from the Temporal Schedule.',
  });

export const deletedScheduleSchema = z
  .strictObject({ ...scheduleFields, deleted: z.literal(true) })
  .openapi('DeletedRebuildSchedule', {
    description: 'A deleted rebuild schedule (its Temporal Schedule is gone; its past rebuilds are kept).',
  });

export type RebuildSelector = z.infer<typeof selectorSchema>;
export type PlanEntry = z.infer<typeof planEntrySchema>;
export type RebuildPlan = z.infer<typeof rebuildPlanSchema>;
export type RebuildStarted = z.infer<typeof rebuildStartedSchema>;
export type Rebuild = z.infer<typeof rebuildSchema>;
export type RebuildDetail = z.infer<typeof rebuildDetailSchema>;
export type RebuildItem = z.infer<typeof rebuildItemSchema>;
export type RebuildSchedule = z.infer<typeof scheduleSchema>;
export type ScheduleState = z.infer<typeof scheduleStateSchema>;

const time = (date: Date | null) => (date ? unixSeconds(date) : null);

function rebuildFieldsOf(row: RebuildRow): Rebuild {
  return {
    id: row.id,
    selector: row.selector,
    dryRun: row.dryRun,
    force: row.force,
    trigger: row.trigger,
    status: row.status,
    createdTime: unixSeconds(row.createdAt),
    finishedTime: time(row.finishedAt),
  };
}

export const toRebuildResource = (row: RebuildRow): Rebuild => rebuildFieldsOf(row);

export function toRebuildDetail(row: RebuildRow, items: RebuildItemRow[]): RebuildDetail {
  return {
    ...rebuildFieldsOf(row),
    items: items.map(({ imageName, baseImageName, rebuild, reason, outcome, buildId }) => ({
      imageName,
      baseImageName,
      rebuild,
      reason,
      outcome,
      buildId,
    })),
  };
}

const scheduleFieldsOf = (row: RebuildScheduleRow) => ({
  name: row.name,
  cron: row.cron,
  selector: row.selector,
  force: row.force,
  createdTime: unixSeconds(row.createdAt),
});

export const toScheduleResource = (row: RebuildScheduleRow, state: ScheduleState): RebuildSchedule => ({
  ...scheduleFieldsOf(row),
  ...state,
});

export const toDeletedSchedule = (row: RebuildScheduleRow) => ({ ...scheduleFieldsOf(row), deleted: true as const });
