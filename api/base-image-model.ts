import { z } from '@hono/zod-openapi';
import type { BaseImageRow } from '../db/schema.js';
import { DOCKER_REFERENCE, DOCKER_REFERENCE_MAX_LENGTH } from '../docker-reference.js';
import {
  nameSchema,
  reasonSchema,
  requiredString,
  resourceStatusSchema,
  serverSetFields,
  tagSchema,
  tagsSchema,
  unixSeconds,
  unixTime,
} from './resource-schema.js';

export const BASE_IMAGE = 'base image';

const dockerUrlSchema = requiredString()
  .max(DOCKER_REFERENCE_MAX_LENGTH)
  .regex(
    DOCKER_REFERENCE,
    'is not a valid Docker image reference (expected [registry[:port]/]repository[:tag][@digest])',
  )
  .openapi({ description: 'The image to verify and build on: [registry[:port]/]repository[:tag][@digest].' });

/** The body of POST /v1/baseimage; `languages` are the ones this server supports. */
export function baseImageBodySchema(languages: readonly string[]) {
  return z
    .strictObject({
      ...serverSetFields,
      name: nameSchema,
      dockerUrl: dockerUrlSchema,
      language: z
        .enum(languages as [string, ...string[]], {
          error: `is not a supported language (supported: ${languages.join(', ')})`,
        })
        .openapi({ description: `The language runtime of the image (this server supports ${languages.join(', ')}).` }),
      tags: tagsSchema,
    })
    .openapi('BaseImageBody', { description: 'A base image as sent to POST and PUT /v1/baseimage (JSON or YAML).' });
}

/** The body of PUT /v1/baseimage/{name}: the name in the path wins over the one in the body. */
export const baseImageUpdateSchema = (languages: readonly string[]) =>
  baseImageBodySchema(languages).partial({ name: true }).openapi('BaseImageUpdateBody', {
    description: 'A base image spec as sent to PUT /v1/baseimage/{name}; the name in the path wins.',
  });

export type BaseImageBody = z.infer<ReturnType<typeof baseImageBodySchema>>;

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
    digest: z.string().nullable().openapi({ description: 'The content digest the tag resolved to when last verified' }),
    createdTime: unixTime('When the base image was created'),
    modifiedTime: unixTime('When the base image last changed'),
  })
  .openapi('BaseImage', { description: 'A base image as stored.' });

export type BaseImage = z.infer<typeof baseImageSchema>;

/** The API shape of a stored base image. */
export function toBaseImageResource(row: BaseImageRow): BaseImage {
  return {
    id: row.id,
    kind: 'BaseImage' as const,
    name: row.name,
    dockerUrl: row.dockerUrl,
    language: row.language,
    tags: row.tags,
    status: row.status,
    reason: row.reason,
    digest: row.digest,
    createdTime: unixSeconds(row.createdAt),
    modifiedTime: unixSeconds(row.modifiedAt),
  };
}
