import { z } from 'zod';
import type { RebuildItemRow, RebuildRow, RebuildScheduleRow } from '../db/schema.js';
import { nameSchema, tagSchema, unixSeconds } from './resource-schema.js';

/** Which images a rebuild takes: all of the org's, those of one base image, or those carrying a tag. */
export const selectorSchema = z.union(
  [
    z.strictObject({ all: z.literal(true) }),
    z.strictObject({ baseImageName: nameSchema }),
    z.strictObject({ tag: tagSchema }),
  ],
  { error: 'must be {all: true}, {baseImageName: NAME} or {tag: {key, value}}' },
);

export const rebuildBodySchema = z.strictObject({
  selector: selectorSchema,
  dryRun: z.boolean().default(false),
  force: z.boolean().default(false),
});

// Five or six fields, or a @-descriptor; Temporal checks the rest.
const CRON = /^(@(yearly|annually|monthly|weekly|daily|hourly|every \S+)|(\S+\s+){4,5}\S+)$/;

export const scheduleBodySchema = z.strictObject({
  name: nameSchema,
  cron: z.string({ error: 'is required' }).trim().regex(CRON, 'must be a cron expression such as "0 3 * * *"'),
  selector: selectorSchema,
  force: z.boolean().default(false),
  paused: z.boolean().default(false),
});

const time = (date: Date | null) => (date ? unixSeconds(date) : null);

export function toRebuildResource(row: RebuildRow, items?: RebuildItemRow[]) {
  return {
    id: row.id,
    selector: row.selector,
    dryRun: row.dryRun,
    force: row.force,
    trigger: row.trigger,
    status: row.status,
    createdTime: unixSeconds(row.createdAt),
    finishedTime: time(row.finishedAt),
    ...(items && {
      items: items.map(({ imageName, baseImageName, rebuild, reason, outcome, buildId }) => ({
        imageName,
        baseImageName,
        rebuild,
        reason,
        outcome,
        buildId,
      })),
    }),
  };
}

export function toScheduleResource(row: RebuildScheduleRow, state: Record<string, unknown>) {
  return {
    name: row.name,
    cron: row.cron,
    selector: row.selector,
    force: row.force,
    createdTime: unixSeconds(row.createdAt),
    ...state,
  };
}
