import type { ExtractSchema } from 'hono/types';
import { z } from 'zod';
import type { readCatalog } from '../db/builds.js';
import { BUILD_OUTCOMES, ROLES, STORED_STATUSES } from '../db/schema.js';
import type { describeSchedule } from '../workflows/rebuild-client.js';
import type { toBaseImageResource } from './base-image-model.js';
import type { BundleResult } from './bundle-apply.js';
import { BUNDLE_OPERATIONS } from './bundle-parse.js';
import type { toBuildResource, toImageResource } from './image-model.js';
import { selectorSchema, type toRebuildResource, type toScheduleResource } from './rebuild-model.js';
import type { rebuildRoutes } from './rebuild-routes.js';
import type { scheduleRoutes } from './schedule-routes.js';
import type { tokenRoutes } from './token-routes.js';

// What the API answers, as zod schemas: the OpenAPI document is generated from them, and the checks at the end of
// this file (plus test/integration/openapi.test.ts, which parses real mapper output) keep them equal to the mappers,
// or to the routes' own answer types where a route builds its answer itself.
// Objects are strict so a field the mappers add and these schemas lack fails the parse instead of passing unseen.

const unixTime = (what: string) => z.int().describe(`${what}, in seconds since the Unix epoch`);

export const errorSchema = z
  .strictObject({
    code: z.int().describe('The HTTP status, repeated'),
    message: z.string().describe('What went wrong, naming the resource and the field at fault'),
  })
  .describe('Every error answer has this shape.');

export const healthSchema = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  postgres: z.enum(['ok', 'unreachable']),
  temporal: z.enum(['ok', 'unreachable']),
});

const tagSchema = z.strictObject({ key: z.string(), value: z.string() });

export const resourceStatusSchema = z
  .enum([...STORED_STATUSES, 'DELETED'])
  .describe('DELETED only appears in the answer to a DELETE');

const reasonSchema = z
  .array(z.string())
  .describe('Why the resource is in ERROR (empty otherwise); each entry is one line of explanation');

export const baseImageSchema = z
  .strictObject({
    id: z.uuid(),
    kind: z.literal('BaseImage'),
    name: z.string(),
    dockerUrl: z.string(),
    language: z.string(),
    tags: z.array(tagSchema),
    status: resourceStatusSchema,
    reason: reasonSchema,
    digest: z.string().nullable().describe('The content digest the tag resolved to when last verified'),
    createdTime: unixTime('When the base image was created'),
    modifiedTime: unixTime('When the base image last changed'),
  })
  .describe('A base image as stored.');

const systemPackageSchema = z.strictObject({ name: z.string(), version: z.string().optional() });

export const imageSchema = z
  .strictObject({
    id: z.uuid(),
    kind: z.literal('Image'),
    name: z.string(),
    baseImageName: z.string(),
    language: z.string().describe('Copied from the base image'),
    dockerUrl: z.string().nullable().describe('Where the last successful build was pushed; null before one'),
    digest: z.string().nullable().describe('The digest of the last successful build'),
    runtimeDependencies: z.strictObject({
      manifest: z.string().describe('The full text of requirements.txt (python3) or package.json (nodejs)'),
    }),
    systemDependencies: z.strictObject({ packages: z.array(systemPackageSchema) }),
    tags: z.array(tagSchema),
    status: resourceStatusSchema,
    reason: reasonSchema,
    createdTime: unixTime('When the image was created'),
    modifiedTime: unixTime('When the image last changed'),
  })
  .describe('An image as stored.');

const buildInputsSchema = z
  .strictObject({
    baseImage: z.string(),
    baseDigest: z.string(),
    language: z.string(),
    manifestSha256: z.string(),
    systemPackages: z.array(systemPackageSchema),
    template: z.string(),
  })
  .describe('What the build was made from; equal inputs give an equal image');

const catalogEntrySchema = z.strictObject({ ecosystem: z.string(), name: z.string(), version: z.string() });

const catalogDiffSchema = z
  .strictObject({
    previousBuildId: z.uuid().nullable(),
    added: z.array(catalogEntrySchema),
    removed: z.array(catalogEntrySchema),
    changed: z.array(z.strictObject({ ecosystem: z.string(), name: z.string(), from: z.string(), to: z.string() })),
  })
  .describe("What changed in the catalog against the image's previous successful build");

export const buildSchema = z
  .strictObject({
    id: z.uuid(),
    generation: z.int().describe('The generation of the image spec the build was for'),
    trigger: z.string().describe('Why the build ran: create, update, reconcile or rebuild'),
    inputs: buildInputsSchema.nullable(),
    inputsSha256: z.string().nullable().describe('Identity of the inputs; equal within an org means built once'),
    rebuildId: z.uuid().nullable().describe('The batch rebuild that started this build'),
    reusedBuildId: z.uuid().nullable().describe('The build whose image was reused, its inputs being identical'),
    catalogDiff: catalogDiffSchema.nullable(),
    outcome: z.enum(BUILD_OUTCOMES),
    error: z.string().nullable(),
    dockerUrl: z.string().nullable(),
    digest: z.string().nullable(),
    startedTime: unixTime('When the build started'),
    finishedTime: unixTime('When the build ended').nullable(),
    durationMs: z.int().nullable().describe('Milliseconds from start to end; null while running'),
  })
  .describe('One build of an image.');

export const catalogSchema = z
  .strictObject({
    image: z.string(),
    buildId: z.uuid().describe('The successful build the catalog was read from'),
    packages: z.array(catalogEntrySchema),
  })
  .describe('What is really installed in the built image: OS packages and language packages.');

export const bundleResultSchema = z.strictObject({
  index: z.int().describe('The position of the document in the bundle, from 0'),
  kind: z.enum(['BaseImage', 'Image']),
  name: z.string(),
  result: z.enum(['created', 'updated', 'unchanged', 'deleted']).describe('What the operation did to this resource'),
  status: resourceStatusSchema.describe('The status of the resource after the operation (DELETED once deleted)'),
});

export const bundleResponseSchema = z
  .strictObject({ operation: z.enum(BUNDLE_OPERATIONS), results: z.array(bundleResultSchema) })
  .describe('One result per document of the bundle, in the order of the bundle.');

export const tokenSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string().describe('What the token is for, as given when it was created'),
    role: z.enum(ROLES),
    createdTime: unixTime('When the token was created'),
  })
  .describe('A token of the org, without its secret.');

export const createdTokenSchema = z
  .strictObject({
    token: z.string().describe('The bearer token itself. Shown this once: the server keeps only its SHA-256'),
    ...tokenSchema.shape,
    org: z.string().describe('The org the token acts in'),
  })
  .describe('A new token, with its secret.');

export const deletedTokenSchema = z.strictObject({ id: z.uuid(), deleted: z.literal(true) });

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

const isoTime = (what: string) => z.iso.datetime().describe(`${what}, as an ISO 8601 UTC timestamp`);

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

// Type-level guards: each mapper's output must fit its schema and have exactly the schema's top-level fields.
// If a mapper changes without its schema (or the reverse), `tsc` fails here.
type Fits<Actual, Expected> = [Actual] extends [Expected]
  ? [Exclude<keyof Actual, keyof Expected> | Exclude<keyof Expected, keyof Actual>] extends [never]
    ? true
    : { differentFields: Exclude<keyof Actual, keyof Expected> | Exclude<keyof Expected, keyof Actual> }
  : { doesNotFit: Actual };
type SameKeys<Actual, Expected> = [
  Exclude<keyof Actual, keyof Expected> | Exclude<keyof Expected, keyof Actual>,
] extends [never]
  ? true
  : { differentFields: Exclude<keyof Actual, keyof Expected> | Exclude<keyof Expected, keyof Actual> };
type Assert<T extends true> = T;

/** What a route of a Hono app answers (every answer when it has several), as its handlers type it. */
type Answer<App, Path extends keyof ExtractSchema<App>, Method extends keyof ExtractSchema<App>[Path]> = OutputOf<
  ExtractSchema<App>[Path][Method]
>;
type OutputOf<Endpoint> = Endpoint extends { output: infer Output } ? Output : never;
type Routes<F extends (...args: never[]) => unknown> = ReturnType<F>;

/** The named fields of a type, without its index signature (toScheduleResource spreads a Record into its answer). */
type NamedFields<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
type ScheduleResource = NamedFields<ReturnType<typeof toScheduleResource>> &
  Awaited<ReturnType<typeof describeSchedule>>;
type Widen<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };
type RebuildAnswer = Answer<Routes<typeof rebuildRoutes>, '/', '$post'>;

export type ResponseSchemaChecks = [
  Assert<Fits<ReturnType<typeof toBaseImageResource>, z.output<typeof baseImageSchema>>>,
  Assert<Fits<ReturnType<typeof toImageResource>, z.output<typeof imageSchema>>>,
  Assert<Fits<ReturnType<typeof toBuildResource>, z.output<typeof buildSchema>>>,
  Assert<Fits<Awaited<ReturnType<typeof readCatalog>>[number], z.output<typeof catalogSchema>['packages'][number]>>,
  // BundleResult types kind, result and status as plain strings: the field names are what can be checked here.
  Assert<SameKeys<BundleResult, z.output<typeof bundleResultSchema>>>,
  // The list answers a rebuild without items, GET /v1/rebuilds/{id} with them.
  Assert<Fits<Omit<ReturnType<typeof toRebuildResource>, 'items'>, z.output<typeof rebuildSchema>>>,
  Assert<Fits<Required<ReturnType<typeof toRebuildResource>>, z.output<typeof rebuildDetailSchema>>>,
  Assert<Fits<ScheduleResource, z.output<typeof scheduleSchema>>>,
  // Answers the routes build themselves (no mapper): checked against the routes' own answer types.
  Assert<Fits<Answer<Routes<typeof tokenRoutes>, '/', '$post'>, z.output<typeof createdTokenSchema>>>,
  Assert<Fits<Answer<Routes<typeof tokenRoutes>, '/', '$get'>[number], z.output<typeof tokenSchema>>>,
  Assert<Fits<Answer<Routes<typeof tokenRoutes>, '/:id', '$delete'>, z.output<typeof deletedTokenSchema>>>,
  Assert<Fits<Extract<RebuildAnswer, { dryRun: true }>, z.output<typeof rebuildPlanSchema>>>,
  // The route types status as a plain string: the schema's literal is what the route writes.
  Assert<Fits<Extract<RebuildAnswer, { dryRun: false }>, Widen<z.output<typeof rebuildStartedSchema>, 'status'>>>,
  Assert<Fits<Answer<Routes<typeof scheduleRoutes>, '/:name', '$delete'>, z.output<typeof deletedScheduleSchema>>>,
];
