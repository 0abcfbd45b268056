import type { ExtractSchema } from 'hono/types';
import type { z } from 'zod';
import type { readCatalog } from '../../db/builds.js';
import type { describeSchedule } from '../../client/rebuilds.js';
import type { toBaseImageResource } from '../base-image-model.js';
import type { BundleResult } from '../bundle-apply.js';
import type { toBuildResource, toImageResource } from '../image-model.js';
import type { toRebuildResource, toScheduleResource } from '../rebuild-model.js';
import type { rebuildRoutes } from '../rebuild-routes.js';
import type { scheduleRoutes } from '../schedule-routes.js';
import type { tokenRoutes } from '../token-routes.js';
import type {
  bundleResultSchema,
  createdTokenSchema,
  deletedTokenSchema,
  tokenSchema,
} from './responses-bundles-tokens.js';
import type { baseImageSchema, buildSchema, catalogSchema, imageSchema } from './responses-images.js';
import type {
  deletedScheduleSchema,
  rebuildDetailSchema,
  rebuildPlanSchema,
  rebuildSchema,
  rebuildStartedSchema,
  scheduleSchema,
} from './responses-rebuilds.js';

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
