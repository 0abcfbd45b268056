import { z } from '@hono/zod-openapi';
import { resourceStatusSchema } from './resource-schema.js';

// The contract of bundles: the operations POST /v1/bundle takes and what it answers. The documents themselves are
// the base image and image bodies (api/bundle-parse.ts validates each with its resource's schema).

export const BUNDLE_OPERATIONS = ['create', 'apply', 'delete'] as const;
export type BundleOperation = (typeof BUNDLE_OPERATIONS)[number];

export const bundleQuerySchema = z.object({
  operation: z
    .enum(BUNDLE_OPERATIONS, { error: `must be one of ${BUNDLE_OPERATIONS.join(', ')}` })
    .default('create')
    .openapi({
      description:
        'create: every resource must be new; apply: create or replace each; delete: delete each (kind and name suffice).',
    }),
});

export const bundleResultSchema = z.strictObject({
  index: z.int().openapi({ description: 'The position of the document in the bundle, from 0' }),
  kind: z.enum(['BaseImage', 'Image']),
  name: z.string(),
  result: z
    .enum(['created', 'updated', 'unchanged', 'deleted'])
    .openapi({ description: 'What the operation did to this resource' }),
  status: resourceStatusSchema.openapi({
    description: 'The status of the resource after the operation (DELETED once deleted)',
  }),
});

export const bundleResponseSchema = z
  .strictObject({ operation: z.enum(BUNDLE_OPERATIONS), results: z.array(bundleResultSchema) })
  .openapi('BundleResponse', { description: 'One result per document of the bundle, in the order of the bundle.' });

export type BundleResult = z.infer<typeof bundleResultSchema>;
export type BundleAnswer = z.infer<typeof bundleResponseSchema>;
