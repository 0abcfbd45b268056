import { z } from 'zod';
import { BUILD_OUTCOMES } from '../../db/schema.js';
import { reasonSchema, resourceStatusSchema, systemPackageSchema, tagSchema, unixTime } from './responses-common.js';

// The answers about base images, images and their builds (see ./responses-common.ts for how they are kept true).

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
