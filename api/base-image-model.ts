import { z } from 'zod';
import type { BaseImageRow } from '../db/schema.js';
import { isDockerReference } from '../docker-reference.js';
import { nameSchema, requiredString, serverSetFields, tagsSchema, unixSeconds } from './resource-schema.js';

export const BASE_IMAGE = 'base image';

/** The body of POST and PUT /v1/baseimage; `languages` are the ones this server supports. */
export function baseImageBodySchema(languages: readonly string[]) {
  return z.strictObject({
    ...serverSetFields,
    name: nameSchema,
    dockerUrl: requiredString().refine(isDockerReference, {
      message: 'is not a valid Docker image reference (expected [registry[:port]/]repository[:tag][@digest])',
    }),
    language: requiredString().refine((l) => languages.includes(l), {
      message: `is not a supported language (supported: ${languages.join(', ')})`,
    }),
    tags: tagsSchema,
  });
}

/** The API shape of a stored base image. */
export function toBaseImageResource(row: BaseImageRow) {
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
