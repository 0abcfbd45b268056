import { z } from 'zod';
import type { readCatalog } from '../db/builds.js';
import { BUILD_OUTCOMES, STORED_STATUSES } from '../db/schema.js';
import type { toBaseImageResource } from './base-image-model.js';
import type { BundleResult } from './bundle-apply.js';
import { BUNDLE_OPERATIONS } from './bundle-parse.js';
import type { toBuildResource, toImageResource } from './image-model.js';

// What the API answers, as zod schemas: the OpenAPI document is generated from them, and the checks at the end of
// this file (plus test/integration/openapi.test.ts, which parses real mapper output) keep them equal to the mappers.
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

export type ResponseSchemaChecks = [
  Assert<Fits<ReturnType<typeof toBaseImageResource>, z.output<typeof baseImageSchema>>>,
  Assert<Fits<ReturnType<typeof toImageResource>, z.output<typeof imageSchema>>>,
  Assert<Fits<ReturnType<typeof toBuildResource>, z.output<typeof buildSchema>>>,
  Assert<Fits<Awaited<ReturnType<typeof readCatalog>>[number], z.output<typeof catalogSchema>['packages'][number]>>,
  // BundleResult types kind, result and status as plain strings: the field names are what can be checked here.
  Assert<SameKeys<BundleResult, z.output<typeof bundleResultSchema>>>,
];
