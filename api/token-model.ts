import { z } from '@hono/zod-openapi';
import { ORG_ROLES } from '../db/schema.js';
import { MAX_TOKEN_DAYS } from '../db/tokens.js';
import { ROLE_RULES } from './permissions.js';
import { isoTime, PRINTABLE, PRINTABLE_RULE, unixSeconds, unixTime } from './resource-schema.js';

// The contract of tokens: what POST /v1/token takes and what the token endpoints answer.

/** How long a new token lasts, in whole days; without it the token never expires. */
export const expiresInDaysSchema = z
  .int({ error: 'must be a whole number of days' })
  .min(1, { error: 'must be at least 1' })
  .max(MAX_TOKEN_DAYS, { error: `must be at most ${MAX_TOKEN_DAYS}` })
  .optional()
  .openapi({
    description: `The token is refused (401 token expired) this many days after its creation, 1 to ${MAX_TOKEN_DAYS}. Without it, the token never expires.`,
  });

export const tokenBodySchema = z
  .strictObject({
    name: z
      .string({ error: 'is required' })
      .min(1, 'must not be empty')
      .max(128)
      .regex(PRINTABLE, PRINTABLE_RULE)
      .openapi({ description: 'What the token is for (a person, a CI job); need not be unique.' }),
    role: z
      .enum(ORG_ROLES, { error: `must be one of ${ORG_ROLES.join(', ')}` })
      .openapi({ description: `What the token may do: ${ROLE_RULES}. An org's token has one of the org roles.` }),
    expiresInDays: expiresInDaysSchema,
  })
  .openapi('TokenBody', { description: 'A token to create, as sent to POST /v1/token (JSON or YAML).' });

export const tokenSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string().openapi({ description: 'What the token is for, as given when it was created' }),
    role: z.enum(ORG_ROLES),
    createdTime: unixTime('When the token was created'),
    expiresAt: isoTime('When the token stops working').nullable().openapi({
      description: 'When the token stops working, as an ISO 8601 UTC timestamp; null: never',
    }),
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

/** A platform admin token, as POST /v1/platform/token takes it: no role (it is the platform's), no org. */
export const platformTokenBodySchema = tokenBodySchema
  .omit({ role: true })
  .openapi('PlatformTokenBody', { description: 'A platform admin token to create (JSON or YAML).' });

export const platformTokenSchema = tokenSchema
  .omit({ role: true })
  .openapi('PlatformToken', { description: 'A platform admin token, without its secret.' });

export const createdPlatformTokenSchema = z
  .strictObject({ token: createdTokenSchema.shape.token, ...platformTokenSchema.shape })
  .openapi('CreatedPlatformToken', { description: 'A new platform admin token, with its secret.' });

/** A token row as the lists and creations answer it: times in the contract's units, no secret, no sort key. */
export function toTokenResource<T extends { createdAt: Date; expiresAt: Date | null }>({
  createdAt,
  expiresAt,
  ...rest
}: T) {
  return { ...rest, createdTime: unixSeconds(createdAt), expiresAt: expiresAt?.toISOString() ?? null };
}

export type Token = z.infer<typeof tokenSchema>;
export type CreatedToken = z.infer<typeof createdTokenSchema>;
export type PlatformToken = z.infer<typeof platformTokenSchema>;
export type CreatedPlatformToken = z.infer<typeof createdPlatformTokenSchema>;
