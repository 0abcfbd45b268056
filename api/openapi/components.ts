import { ref } from './content.js';
import { jsonSchemaOf } from './json-schema.js';
import { requestBodySchemas } from './request-bodies.js';
import {
  bundleResponseSchema,
  createdTokenSchema,
  deletedTokenSchema,
  tokenSchema,
} from './responses-bundles-tokens.js';
import { errorSchema, healthSchema } from './responses-common.js';
import { baseImageSchema, buildSchema, catalogSchema, imageSchema } from './responses-images.js';
import {
  deletedScheduleSchema,
  rebuildDetailSchema,
  rebuildPlanSchema,
  rebuildSchema,
  rebuildStartedSchema,
  scheduleSchema,
} from './responses-rebuilds.js';
import type { JsonSchema } from './types.js';

// The named schemas of the document: request bodies from the routes' own zod schemas, answers from the response
// schemas (checked against the mappers), so neither can drift from the code.

const bundleDocument = (): JsonSchema => ({
  description:
    'One document of a bundle: a base image or an image body with its kind (for delete, kind and name suffice). The bundle is validated whole before anything is written, and the order of documents does not matter.',
  oneOf: [
    { allOf: [ref('BaseImageBody'), { properties: { kind: { const: 'BaseImage' } }, required: ['kind'] }] },
    { allOf: [ref('ImageBody'), { properties: { kind: { const: 'Image' } }, required: ['kind'] }] },
  ],
});

export function componentSchemas(languages: readonly string[]): Record<string, JsonSchema> {
  return {
    ...requestBodySchemas(languages),
    BundleDocument: bundleDocument(),
    BaseImage: jsonSchemaOf(baseImageSchema, 'output'),
    Image: jsonSchemaOf(imageSchema, 'output'),
    Build: jsonSchemaOf(buildSchema, 'output'),
    Catalog: jsonSchemaOf(catalogSchema, 'output'),
    BundleResponse: jsonSchemaOf(bundleResponseSchema, 'output'),
    Token: jsonSchemaOf(tokenSchema, 'output'),
    CreatedToken: jsonSchemaOf(createdTokenSchema, 'output'),
    DeletedToken: jsonSchemaOf(deletedTokenSchema, 'output'),
    RebuildPlan: jsonSchemaOf(rebuildPlanSchema, 'output'),
    RebuildStarted: jsonSchemaOf(rebuildStartedSchema, 'output'),
    Rebuild: jsonSchemaOf(rebuildSchema, 'output'),
    RebuildDetail: jsonSchemaOf(rebuildDetailSchema, 'output'),
    RebuildSchedule: jsonSchemaOf(scheduleSchema, 'output'),
    DeletedRebuildSchedule: jsonSchemaOf(deletedScheduleSchema, 'output'),
    Health: jsonSchemaOf(healthSchema, 'output'),
    Error: jsonSchemaOf(errorSchema, 'output'),
  };
}
