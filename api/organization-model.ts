import { z } from '@hono/zod-openapi';
import type { Holdings } from '../db/organizations.js';
import type { OrganizationRow } from '../db/schema.js';
import { isoTime, nameSchema } from './resource-schema.js';
import { expiresInDaysSchema } from './token-model.js';

// The contract of organizations: what POST /v1/org takes and what the organization endpoints answer. Their names
// follow the rules of every other resource name.

export const ORGANIZATION = 'organization';

export const organizationBodySchema = z
  .strictObject({
    name: nameSchema.openapi({ description: 'The name of the organization, unique on the service.' }),
    expiresInDays: expiresInDaysSchema.openapi({
      description: 'The first admin token is refused this many days after its creation (1 to 3650); without it, never.',
    }),
  })
  .openapi('OrganizationBody', { description: 'An organization to open, as sent to POST /v1/org (JSON or YAML).' });

export const organizationSchema = z
  .strictObject({
    name: z.string(),
    createdAt: isoTime('When the organization was created'),
  })
  .openapi('Organization', { description: 'An organization (a tenant of the service).' });

export const createdOrganizationSchema = z
  .strictObject({
    ...organizationSchema.shape,
    token: z.string().openapi({
      description:
        'The bearer token of the first admin of the organization. Shown this once: the server keeps only its SHA-256',
    }),
  })
  .openapi('CreatedOrganization', { description: 'A new organization, with the secret of its first admin token.' });

export const deletedOrganizationSchema = z
  .strictObject({
    name: z.string(),
    deleted: z.literal(true),
    deletedTokens: z.int().openapi({ description: 'How many tokens of the organization were deleted with it' }),
  })
  .openapi('DeletedOrganization');

export type Organization = z.infer<typeof organizationSchema>;
export type CreatedOrganization = z.infer<typeof createdOrganizationSchema>;
export type DeletedOrganization = z.infer<typeof deletedOrganizationSchema>;

export const toOrganizationResource = (row: OrganizationRow): Organization => ({
  name: row.name,
  createdAt: row.createdAt.toISOString(),
});

const HELD: [keyof Holdings, string, string][] = [
  ['baseImages', 'base image', 'base images'],
  ['images', 'image', 'images'],
  ['rebuildSchedules', 'rebuild schedule', 'rebuild schedules'],
  ['runningRebuilds', 'running rebuild', 'running rebuilds'],
];

/** `1 base image, 2 images and 1 running rebuild`: what an org holds, the kinds it holds none of left out. */
export function describeHoldings(held: Holdings): string {
  const parts = HELD.filter(([key]) => held[key] > 0).map(
    ([key, one, many]) => `${held[key]} ${held[key] === 1 ? one : many}`,
  );
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? 'nothing');
}
