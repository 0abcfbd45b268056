import { z } from 'zod';
import { STORED_STATUSES } from '../../db/schema.js';

// What the API answers, as zod schemas: the OpenAPI document is generated from them, and ./response-checks.ts
// (plus test/integration/openapi-responses.test.ts, which parses real mapper output) keeps them equal to the
// mappers, or to the routes' own answer types where a route builds its answer itself.
// Objects are strict so a field the mappers add and these schemas lack fails the parse instead of passing unseen.
// This file holds the answers and parts every resource shares.

export const unixTime = (what: string) => z.int().describe(`${what}, in seconds since the Unix epoch`);

export const isoTime = (what: string) => z.iso.datetime().describe(`${what}, as an ISO 8601 UTC timestamp`);

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

export const tagSchema = z.strictObject({ key: z.string(), value: z.string() });

export const resourceStatusSchema = z
  .enum([...STORED_STATUSES, 'DELETED'])
  .describe('DELETED only appears in the answer to a DELETE');

export const reasonSchema = z
  .array(z.string())
  .describe('Why the resource is in ERROR (empty otherwise); each entry is one line of explanation');

export const systemPackageSchema = z.strictObject({ name: z.string(), version: z.string().optional() });
