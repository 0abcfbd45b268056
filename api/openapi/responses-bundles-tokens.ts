import { z } from 'zod';
import { ROLES } from '../../db/schema.js';
import { BUNDLE_OPERATIONS } from '../bundle-parse.js';
import { resourceStatusSchema, unixTime } from './responses-common.js';

// The answers about bundles and tokens (see ./responses-common.ts for how they are kept true).

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
