import { z } from 'zod';
import { PACKAGE_NAME, PACKAGE_NAME_RULE, PACKAGE_VERSION, PACKAGE_VERSION_RULE } from '../package-rules.js';
import type { BuildRow, ImageRow } from '../db/schema.js';
import { nameSchema, serverSetFields, tagsSchema, unixSeconds } from './resource-schema.js';

export const IMAGE = 'image';
const MAX_MANIFEST_BYTES = 512 * 1024;

const systemPackageSchema = z.strictObject({
  name: z.string({ error: 'is required' }).regex(PACKAGE_NAME, PACKAGE_NAME_RULE),
  version: z.string().regex(PACKAGE_VERSION, PACKAGE_VERSION_RULE).optional(),
});

/** The body of POST and PUT /v1/image. */
export const imageBodySchema = z.strictObject({
  ...serverSetFields,
  dockerUrl: z.unknown().optional(), // set by the build, ignored on input
  language: z.unknown().optional(), // copied from the base image, ignored on input
  name: nameSchema,
  baseImageName: nameSchema,
  runtimeDependencies: z
    .strictObject({
      manifest: z.string().max(MAX_MANIFEST_BYTES, `must be at most ${MAX_MANIFEST_BYTES} bytes`).default(''),
    })
    .default({ manifest: '' }),
  systemDependencies: z
    .strictObject({ packages: z.array(systemPackageSchema).max(500).nullable().default([]) })
    .default({ packages: [] }),
  tags: tagsSchema,
});

export type ImageBody = z.infer<typeof imageBodySchema>;

/** A manifest the language's package manager cannot read fails now, not minutes into a build. */
export function manifestProblem(language: string, manifest: string): string | undefined {
  // The CLI replaces '@file' with the file's content; the API receiving it means the client did not.
  if (/^@\S+$/.test(manifest.trim())) {
    return `'${manifest.trim()}' names a file: send the file's content (the dispatch CLI reads '@file' for you)`;
  }
  if (language !== 'nodejs' || !manifest.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(manifest);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? undefined
      : 'must be a JSON object (package.json)';
  } catch (err) {
    return `is not valid JSON (package.json): ${(err as Error).message}`;
  }
}

export function toImageResource(row: ImageRow) {
  return {
    id: row.id,
    kind: 'Image' as const,
    name: row.name,
    baseImageName: row.baseImageName,
    language: row.language,
    dockerUrl: row.dockerUrl,
    digest: row.digest,
    runtimeDependencies: { manifest: row.runtimeManifest },
    systemDependencies: { packages: row.systemPackages },
    tags: row.tags,
    status: row.status,
    reason: row.reason,
    createdTime: unixSeconds(row.createdAt),
    modifiedTime: unixSeconds(row.modifiedAt),
  };
}

export function toBuildResource(row: BuildRow) {
  return {
    id: row.id,
    generation: row.generation,
    trigger: row.trigger,
    inputs: row.inputs,
    inputsSha256: row.inputsSha256,
    rebuildId: row.rebuildId,
    reusedBuildId: row.reusedBuildId,
    catalogDiff: row.catalogDiff,
    outcome: row.outcome,
    error: row.error,
    dockerUrl: row.dockerUrl,
    digest: row.digest,
    startedTime: unixSeconds(row.startedAt),
    finishedTime: row.finishedAt ? unixSeconds(row.finishedAt) : null,
    durationMs: row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
  };
}
