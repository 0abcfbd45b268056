import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { baseImageSchema, toBaseImageResource } from '../../api/base-image-model.js';
import { bundleResponseSchema } from '../../api/bundle-model.js';
import { buildSchema, catalogSchema, imageSchema, toBuildResource, toImageResource } from '../../api/image-model.js';
import {
  deletedScheduleSchema,
  rebuildDetailSchema,
  rebuildPlanSchema,
  rebuildSchema,
  rebuildStartedSchema,
  scheduleSchema,
  toDeletedSchedule,
  toRebuildDetail,
  toRebuildResource,
  toScheduleResource,
} from '../../api/rebuild-model.js';
import {
  createdOrganizationSchema,
  deletedOrganizationSchema,
  organizationSchema,
  toOrganizationResource,
} from '../../api/organization-model.js';
import { errorSchema } from '../../api/resource-schema.js';
import { packageHoldingSchema } from '../../api/package-model.js';
import { SBOM_MEDIA_TYPE } from '../../api/sbom.js';
import { createdTokenSchema, deletedTokenSchema, tokenSchema } from '../../api/token-model.js';
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
import { fetchDocument, type Json } from '../helpers/openapi.js';

// The response schemas checked against what the mappers really produce (formats and enums included, which the
// compiler cannot see), and against the document. That a mapper's fields match its schema's is checked by tsc: each
// mapper returns its schema's type, and every route's answer is typed by the route's declaration.

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

    const rebuild = toRebuildDetail(rebuildRow, rebuildItems);
    expect(rebuildDetailSchema.parse(rebuild)).toEqual(rebuild);
    expect(rebuildSchema.parse(toRebuildResource(rebuildRow))).toEqual(toRebuildResource(rebuildRow));
    const planning = { ...rebuildRow, selector: { all: true as const }, status: 'PLANNING' as const, finishedAt: null };
    expect(rebuildDetailSchema.safeParse(toRebuildDetail(planning, [])).success).toBe(true);
    // The list has no items and the detail always has them.
    expect(rebuildSchema.safeParse(rebuild).success).toBe(false);
    expect(rebuildDetailSchema.safeParse(toRebuildResource(rebuildRow)).success).toBe(false);

    const schedule = toScheduleResource(scheduleRow, scheduleState);
    expect(scheduleSchema.parse(schedule)).toEqual(schedule);
    const unpaused = { ...scheduleState, paused: false, note: null, recentRuns: [] };
    expect(scheduleSchema.safeParse(toScheduleResource(scheduleRow, unpaused)).success).toBe(true);
    const deleted = toDeletedSchedule(scheduleRow);
    expect(deletedScheduleSchema.parse(deleted)).toEqual(deleted);

    const plan = [{ imageName: 'app', baseImageName: 'py3', rebuild: true, reason: 'forced' }];
    expect(rebuildPlanSchema.safeParse({ id: rebuildRow.id, dryRun: true, plan }).success).toBe(true);
    expect(rebuildStartedSchema.safeParse({ id: rebuildRow.id, dryRun: false, status: 'RUNNING' }).success).toBe(true);
    const token = { id: randomUUID(), name: 'ci', role: 'developer', createdTime: 1767323045, expiresAt: null };
    expect(tokenSchema.safeParse(token).success).toBe(true);
    expect(tokenSchema.safeParse({ ...token, expiresAt: '2027-01-02T03:04:05.678Z' }).success).toBe(true);
    // An org's tokens are never platform tokens.
    expect(tokenSchema.safeParse({ ...token, role: 'platform' }).success).toBe(false);
    const organization = toOrganizationResource({ name: 'acme', createdAt: new Date() });
    expect(organizationSchema.parse(organization)).toEqual(organization);
    expect(createdOrganizationSchema.safeParse({ ...organization, token: 'dsp_x' }).success).toBe(true);
    expect(deletedOrganizationSchema.safeParse({ name: 'acme', deleted: true, deletedTokens: 2 }).success).toBe(true);
    expect(createdTokenSchema.safeParse({ token: 'dsp_x', ...token, org: 'acme' }).success).toBe(true);
    expect(deletedTokenSchema.safeParse({ id: token.id, deleted: true }).success).toBe(true);
    const holding = { image: 'app', buildId: buildRow.id, ecosystem: 'deb', name: 'openssl', version: '3.0.15-1' };
    expect(packageHoldingSchema.parse(holding)).toEqual(holding);
    expect(packageHoldingSchema.safeParse({ ...holding, imageId: randomUUID() }).success).toBe(false);
  });

  it('refuse a field the mappers would add without a schema change', () => {
    expect(baseImageSchema.safeParse({ ...toBaseImageResource(baseImageRow), org: 'acme' }).success).toBe(false);
    const image = toImageResource(imageRow);
    const extraNested = { ...image, runtimeDependencies: { ...image.runtimeDependencies, sha: 'x' } };
    expect(imageSchema.safeParse(extraNested).success).toBe(false);
    const withoutDuration: Partial<ReturnType<typeof toBuildResource>> = toBuildResource(buildRow);
    delete withoutDuration.durationMs;
    expect(buildSchema.safeParse(withoutDuration).success).toBe(false);
    const rebuild = toRebuildDetail(rebuildRow, rebuildItems);
    const extraItemField = { ...rebuild, items: rebuild.items.map((item) => ({ ...item, imageId: 'x' })) };
    expect(rebuildDetailSchema.safeParse(extraItemField).success).toBe(false);
    const schedule = { ...toScheduleResource(scheduleRow, scheduleState), timezone: 'UTC' };
    expect(scheduleSchema.safeParse(schedule).success).toBe(false);
    const tokenWithSecret = { id: randomUUID(), name: 'ci', role: 'viewer', createdTime: 1, token: 'dsp_x' };
    expect(tokenSchema.safeParse(tokenWithSecret).success).toBe(false);
  });

  it('are the ones the document describes', async () => {
    const keys = (schema: Json) => Object.keys((schema.properties ?? {}) as Json).sort();
    const doc = await fetchDocument();
    const image = doc.components.schemas.Image!;
    expect(keys(image)).toEqual(Object.keys(toImageResource(imageRow)).sort());
    const base = doc.components.schemas.BaseImage!;
    expect(keys(base)).toEqual(Object.keys(toBaseImageResource(baseImageRow)).sort());
    const build = doc.components.schemas.Build!;
    expect(keys(build)).toEqual(Object.keys(toBuildResource(buildRow)).sort());
    const rebuild = doc.components.schemas.RebuildDetail!;
    const rebuildResource = toRebuildDetail(rebuildRow, rebuildItems);
    expect(keys(rebuild)).toEqual(Object.keys(rebuildResource).sort());
    const item = ((rebuild.properties as Record<string, Json>).items!.items ?? {}) as Json;
    expect(keys(item)).toEqual(Object.keys(rebuildResource.items[0]!).sort());
    const list = doc.components.schemas.Rebuild!;
    expect(keys(list)).toEqual(Object.keys(toRebuildResource(rebuildRow)).sort());
    const sbom = doc.paths['/v1/image/{name}/sbom']!.get!.responses['200']!.content!;
    expect(Object.keys(sbom)).toEqual([SBOM_MEDIA_TYPE]);
    const schedule = doc.components.schemas.RebuildSchedule!;
    const scheduleResource = toScheduleResource(scheduleRow, scheduleState);
    expect(keys(schedule)).toEqual(Object.keys(scheduleResource).sort());
  });
});
