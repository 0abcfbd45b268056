import { z } from '@hono/zod-openapi';
import { ROLES } from '../db/schema.js';
import { ROLE_RULES } from './permissions.js';
import { PRINTABLE, PRINTABLE_RULE, unixTime } from './resource-schema.js';

// The contract of tokens: what POST /v1/token takes and what the token endpoints answer.

export const tokenBodySchema = z
  .strictObject({
    name: z
      .string({ error: 'is required' })
      .min(1, 'must not be empty')
      .max(128)
      .regex(PRINTABLE, PRINTABLE_RULE)
      .openapi({ description: 'What the token is for (a person, a CI job); need not be unique.' }),
    role: z
      .enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` })
      .openapi({ description: `What the token may do: ${ROLE_RULES}.` }),
  })
  .openapi('TokenBody', { description: 'A token to create, as sent to POST /v1/token (JSON or YAML).' });

export const tokenSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string().openapi({ description: 'What the token is for, as given when it was created' }),
    role: z.enum(ROLES),
    createdTime: unixTime('When the token was created'),
  })
  .openapi('Token', { description: 'A token of the org, without its secret.' });

export const createdTokenSchema = z
  .strictObject({
    token: z
      .string()
      .openapi({ description: 'The bearer token itself. Shown this once: the server keeps only its SHA-256' }),
    ...tokenSchema.shape,
    org: z.string().openapi({ description: 'The org the token acts in' }),
  })
  .openapi('CreatedToken', { description: 'A new token, with its secret.' });

export const deletedTokenSchema = z.strictObject({ id: z.uuid(), deleted: z.literal(true) }).openapi('DeletedToken');

export type Token = z.infer<typeof tokenSchema>;
export type CreatedToken = z.infer<typeof createdTokenSchema>;
