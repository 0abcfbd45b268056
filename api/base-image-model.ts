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
  withAliases,
} from './resource-schema.js';

export const BASE_IMAGE = 'base image';

const dockerUrlSchema = requiredString()
  .max(DOCKER_REFERENCE_MAX_LENGTH)
  .regex(
    DOCKER_REFERENCE,
    'is not a valid Docker image reference (expected [registry[:port]/]repository[:tag][@digest])',
  )
  .openapi({ description: 'The image to verify and build on: [registry[:port]/]repository[:tag][@digest].' });

export const LANGUAGE_PATTERN = /^[a-z][a-z0-9._+-]{0,31}$/;
const ALIASES = { imageUrl: 'dockerUrl' };
const ALIAS_NOTE = 'imageUrl (the name later Dispatch versions used) is accepted for dockerUrl.';

/** The fields of a base image spec; `languages` are the ones the service installs dependencies for. */
export function baseImageFields(languages: readonly string[]) {
  return z.strictObject({
    ...serverSetFields,
    name: nameSchema,
    dockerUrl: dockerUrlSchema,
    language: z
      .string({ error: 'is required' })
      .regex(LANGUAGE_PATTERN, 'must be a language name such as python3, nodejs or java')
      .openapi({
        description: `The language runtime of the image. The service installs dependencies for ${languages.join(', ')}; a base image that brings its own template (label io.dispatchframework.imageTemplate) may declare any language, and one without a template and with another language ends in ERROR when verified.`,
      }),
    tags: tagsSchema,
  });
}

/** The body of POST /v1/baseimage. */
export const baseImageBodySchema = (languages: readonly string[]) =>
  withAliases(
    baseImageFields(languages).openapi('BaseImageBody', {
      description: `A base image as sent to POST /v1/baseimage (JSON or YAML). ${ALIAS_NOTE}`,
    }),
    ALIASES,
  );

/** The body of PUT /v1/baseimage/{name}: the name in the path wins over the one in the body. */
export const baseImageUpdateSchema = (languages: readonly string[]) =>
  withAliases(
    baseImageFields(languages)
      .partial({ name: true })
      .openapi('BaseImageUpdateBody', {
        description: `A base image spec as sent to PUT /v1/baseimage/{name}; the name in the path wins. ${ALIAS_NOTE}`,
      }),
    ALIASES,
  );

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
