import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toBaseImageResource } from '../../api/base-image-model.js';
import { toBuildResource, toImageResource } from '../../api/image-model.js';
import { openApiDocument } from '../../api/openapi/document.js';
import {
  bundleResponseSchema,
  createdTokenSchema,
  deletedTokenSchema,
  tokenSchema,
} from '../../api/openapi/responses-bundles-tokens.js';
import { errorSchema } from '../../api/openapi/responses-common.js';
import { baseImageSchema, buildSchema, catalogSchema, imageSchema } from '../../api/openapi/responses-images.js';
import {
  deletedScheduleSchema,
  rebuildDetailSchema,
  rebuildPlanSchema,
  rebuildSchema,
  rebuildStartedSchema,
  scheduleSchema,
} from '../../api/openapi/responses-rebuilds.js';
import { toRebuildResource, toScheduleResource } from '../../api/rebuild-model.js';
import {
  at,
  baseImageRow,
  buildRow,
  imageRow,
  later,
  rebuildItems,
  rebuildRow,
  scheduleRow,
  scheduleState,
} from '../helpers/mapper-rows.js';
import { LANGUAGES, type Json } from '../helpers/openapi.js';

// The response schemas checked against what the mappers really produce, and against the document.

describe('response schemas', () => {
  it('accept what the mappers really produce', () => {
    expect(baseImageSchema.parse(toBaseImageResource(baseImageRow))).toEqual(toBaseImageResource(baseImageRow));
    expect(baseImageSchema.safeParse({ ...toBaseImageResource(baseImageRow), status: 'DELETED' }).success).toBe(true);
    expect(baseImageSchema.safeParse(toBaseImageResource({ ...baseImageRow, digest: null })).success).toBe(true);

    expect(imageSchema.parse(toImageResource(imageRow))).toEqual(toImageResource(imageRow));
    const built = { ...imageRow, status: 'READY' as const, reason: [], dockerUrl: buildRow.dockerUrl, digest: 'x' };
    expect(imageSchema.safeParse(toImageResource({ ...built, currentBuildId: buildRow.id })).success).toBe(true);

    expect(buildSchema.parse(toBuildResource(buildRow))).toEqual(toBuildResource(buildRow));
    const running = { ...buildRow, inputs: null, outcome: 'RUNNING' as const, finishedAt: null, dockerUrl: null };
    expect(buildSchema.safeParse(toBuildResource(running)).success).toBe(true);
    expect(toBuildResource(buildRow).durationMs).toBe(later.getTime() - at.getTime());

    const catalog = { image: 'app', buildId: buildRow.id, packages: [{ ecosystem: 'pip', name: 'x', version: '1' }] };
    expect(catalogSchema.safeParse(catalog).success).toBe(true);
    expect(errorSchema.safeParse({ code: 404, message: 'image app not found' }).success).toBe(true);
    const bundle = {
      operation: 'apply',
      results: [
        { index: 0, kind: 'BaseImage', name: 'py3', result: 'created', status: 'INITIALIZED' },
        { index: 1, kind: 'Image', name: 'app', result: 'unchanged', status: 'READY' },
        { index: 2, kind: 'Image', name: 'old', result: 'deleted', status: 'DELETED' },
      ],
    };
    expect(bundleResponseSchema.safeParse(bundle).success).toBe(true);

    const rebuild = toRebuildResource(rebuildRow, rebuildItems);
    expect(rebuildDetailSchema.parse(rebuild)).toEqual(rebuild);
    expect(rebuildSchema.parse(toRebuildResource(rebuildRow))).toEqual(toRebuildResource(rebuildRow));
    const planning = { ...rebuildRow, selector: { all: true as const }, status: 'PLANNING' as const, finishedAt: null };
    expect(rebuildDetailSchema.safeParse(toRebuildResource(planning, [])).success).toBe(true);
    // The list has no items and the detail always has them.
    expect(rebuildSchema.safeParse(rebuild).success).toBe(false);
    expect(rebuildDetailSchema.safeParse(toRebuildResource(rebuildRow)).success).toBe(false);

    const schedule = toScheduleResource(scheduleRow, scheduleState);
    expect(scheduleSchema.parse(schedule)).toEqual(schedule);
    const unpaused = { ...scheduleState, paused: false, note: null, recentRuns: [] };
    expect(scheduleSchema.safeParse(toScheduleResource(scheduleRow, unpaused)).success).toBe(true);
    const deleted = { ...toScheduleResource(scheduleRow, {}), deleted: true };
    expect(deletedScheduleSchema.parse(deleted)).toEqual(deleted);

    const plan = [{ imageName: 'app', baseImageName: 'py3', rebuild: true, reason: 'forced' }];
    expect(rebuildPlanSchema.safeParse({ id: rebuildRow.id, dryRun: true, plan }).success).toBe(true);
    expect(rebuildStartedSchema.safeParse({ id: rebuildRow.id, dryRun: false, status: 'RUNNING' }).success).toBe(true);
    const token = { id: randomUUID(), name: 'ci', role: 'developer', createdTime: 1767323045 };
    expect(tokenSchema.safeParse(token).success).toBe(true);
    expect(createdTokenSchema.safeParse({ token: 'dsp_x', ...token, org: 'acme' }).success).toBe(true);
    expect(deletedTokenSchema.safeParse({ id: token.id, deleted: true }).success).toBe(true);
  });

  it('refuse a field the mappers would add without a schema change', () => {
    expect(baseImageSchema.safeParse({ ...toBaseImageResource(baseImageRow), org: 'acme' }).success).toBe(false);
    const image = toImageResource(imageRow);
    const extraNested = { ...image, runtimeDependencies: { ...image.runtimeDependencies, sha: 'x' } };
    expect(imageSchema.safeParse(extraNested).success).toBe(false);
    const withoutDuration: Partial<ReturnType<typeof toBuildResource>> = toBuildResource(buildRow);
    delete withoutDuration.durationMs;
    expect(buildSchema.safeParse(withoutDuration).success).toBe(false);
    const rebuild = toRebuildResource(rebuildRow, rebuildItems);
    const extraItemField = { ...rebuild, items: rebuild.items!.map((item) => ({ ...item, imageId: 'x' })) };
    expect(rebuildDetailSchema.safeParse(extraItemField).success).toBe(false);
    const schedule = toScheduleResource(scheduleRow, { ...scheduleState, timezone: 'UTC' });
    expect(scheduleSchema.safeParse(schedule).success).toBe(false);
    // Without Temporal's state, a schedule is not a full answer.
    expect(scheduleSchema.safeParse(toScheduleResource(scheduleRow, {})).success).toBe(false);
    const tokenWithSecret = { id: randomUUID(), name: 'ci', role: 'viewer', createdTime: 1, token: 'dsp_x' };
    expect(tokenSchema.safeParse(tokenWithSecret).success).toBe(false);
  });

  it('are the ones the document describes', () => {
    const doc = openApiDocument(LANGUAGES);
    const image = doc.components.schemas.Image!;
    expect(Object.keys(image.properties ?? {}).sort()).toEqual(Object.keys(toImageResource(imageRow)).sort());
    const base = doc.components.schemas.BaseImage!;
    expect(Object.keys(base.properties ?? {}).sort()).toEqual(Object.keys(toBaseImageResource(baseImageRow)).sort());
    const build = doc.components.schemas.Build!;
    expect(Object.keys(build.properties ?? {}).sort()).toEqual(Object.keys(toBuildResource(buildRow)).sort());
    const rebuild = doc.components.schemas.RebuildDetail!;
    const rebuildResource = toRebuildResource(rebuildRow, rebuildItems);
    expect(Object.keys(rebuild.properties ?? {}).sort()).toEqual(Object.keys(rebuildResource).sort());
    const item = (rebuild.properties?.items as Json).items as Json;
    expect(Object.keys(item.properties as Json).sort()).toEqual(Object.keys(rebuildResource.items![0]!).sort());
    const list = doc.components.schemas.Rebuild!;
    expect(Object.keys(list.properties ?? {}).sort()).toEqual(Object.keys(toRebuildResource(rebuildRow)).sort());
    const schedule = doc.components.schemas.RebuildSchedule!;
    const scheduleResource = toScheduleResource(scheduleRow, scheduleState);
    expect(Object.keys(schedule.properties ?? {}).sort()).toEqual(Object.keys(scheduleResource).sort());
  });
});
