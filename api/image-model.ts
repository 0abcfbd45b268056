import { z } from '@hono/zod-openapi';
import { PACKAGE_NAME, PACKAGE_NAME_RULE, PACKAGE_VERSION, PACKAGE_VERSION_RULE } from '../package-rules.js';
import { BUILD_OUTCOMES, type BuildRow, type ImageRow } from '../db/schema.js';
import {
  nameSchema,
  reasonSchema,
  resourceStatusSchema,
  serverSetField,
  serverSetFields,
  tagSchema,
  tagsSchema,
  unixSeconds,
  unixTime,
  withAliases,
} from './resource-schema.js';

export const IMAGE = 'image';
const MAX_MANIFEST_BYTES = 512 * 1024;
// Postgres text cannot hold NUL; a manifest may hold tabs and newlines.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NO_NUL = /^[^\u0000]*$/;

export const systemPackageSchema = z
  .strictObject({
    name: z.string({ error: 'is required' }).regex(PACKAGE_NAME, PACKAGE_NAME_RULE),
    version: z.string().regex(PACKAGE_VERSION, PACKAGE_VERSION_RULE).optional(),
  })
  .openapi('SystemPackage');

const ALIASES = { baseImage: 'baseImageName' };
const ALIAS_NOTE = 'baseImage (the name later Dispatch versions used) is accepted for baseImageName.';

/** The fields of an image spec. */
export const imageFields = z.strictObject({
  ...serverSetFields,
  dockerUrl: serverSetField(), // set by the build
  language: serverSetField(), // copied from the base image
  name: nameSchema,
  baseImageName: nameSchema.openapi({
    description: 'A base image of the same org; it must exist, and the image takes its language.',
  }),
  runtimeDependencies: z
    .strictObject({
      manifest: z
        .string()
        .max(MAX_MANIFEST_BYTES, `must be at most ${MAX_MANIFEST_BYTES} bytes`)
        .regex(NO_NUL, 'must not contain NUL bytes')
        .default('')
        .openapi({
          description:
            "The full text of requirements.txt (python3) or package.json (nodejs; must then be a JSON object). A reference such as '@requirements.txt' is refused: the dispatch CLI replaces it with the file's content.",
        }),
    })
    .default({ manifest: '' }),
  systemDependencies: z
    .strictObject({
      packages: z
        .array(systemPackageSchema)
        .max(500)
        .nullable()
        .default([])
        .openapi({ description: 'OS packages to install; null means none.' }),
    })
    .default({ packages: [] }),
  tags: tagsSchema,
});

/** The body of POST /v1/image. */
export const imageBodySchema = withAliases(
  imageFields.openapi('ImageBody', { description: `An image as sent to POST /v1/image (JSON or YAML). ${ALIAS_NOTE}` }),
  ALIASES,
);

/** The body of PUT /v1/image/{name}: the name in the path wins over the one in the body. */
export const imageUpdateSchema = withAliases(
  imageFields.partial({ name: true }).openapi('ImageUpdateBody', {
    description: `An image spec as sent to PUT /v1/image/{name}; the name in the path wins. ${ALIAS_NOTE}`,
  }),
  ALIASES,
);

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

export const imageSchema = z
  .strictObject({
    id: z.uuid(),
    kind: z.literal('Image'),
    name: z.string(),
    baseImageName: z.string(),
    language: z.string().openapi({ description: 'Copied from the base image' }),
    dockerUrl: z
      .string()
      .nullable()
      .openapi({ description: 'Where the last successful build was pushed; null before one' }),
    digest: z.string().nullable().openapi({ description: 'The digest of the last successful build' }),
    runtimeDependencies: z.strictObject({
      manifest: z
        .string()
        .openapi({ description: 'The full text of requirements.txt (python3) or package.json (nodejs)' }),
    }),
    systemDependencies: z.strictObject({ packages: z.array(systemPackageSchema) }),
    tags: z.array(tagSchema),
    status: resourceStatusSchema,
    reason: reasonSchema,
    createdTime: unixTime('When the image was created'),
    modifiedTime: unixTime('When the image last changed'),
  })
  .openapi('Image', { description: 'An image as stored.' });

export type Image = z.infer<typeof imageSchema>;

const buildInputsSchema = z
  .strictObject({
    baseImage: z.string(),
    baseDigest: z.string(),
    language: z.string(),
    manifestSha256: z.string(),
    systemPackages: z.array(systemPackageSchema),
    template: z.string(),
  })
  .openapi({ description: 'What the build was made from; equal inputs give an equal image' });

export const catalogEntrySchema = z
  .strictObject({ ecosystem: z.string(), name: z.string(), version: z.string() })
  .openapi('CatalogEntry');

export const catalogDiffSchema = z
  .strictObject({
    previousBuildId: z.uuid().nullable(),
    added: z.array(catalogEntrySchema),
    removed: z.array(catalogEntrySchema),
    changed: z.array(z.strictObject({ ecosystem: z.string(), name: z.string(), from: z.string(), to: z.string() })),
  })
  // Not a named component: a nullable reference would lose its null in the generated document.
  .openapi({ description: "What changed in the catalog against the image's previous successful build" });

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export type CatalogDiff = z.infer<typeof catalogDiffSchema>;

export const buildSchema = z
  .strictObject({
    id: z.uuid(),
    generation: z.int().openapi({ description: 'The generation of the image spec the build was for' }),
    trigger: z.string().openapi({ description: 'Why the build ran: create, update, reconcile or rebuild' }),
    inputs: buildInputsSchema.nullable(),
    inputsSha256: z
      .string()
      .nullable()
      .openapi({ description: 'Identity of the inputs; equal within an org means built once' }),
    rebuildId: z.uuid().nullable().openapi({ description: 'The batch rebuild that started this build' }),
    reusedBuildId: z
      .uuid()
      .nullable()
      .openapi({ description: 'The build whose image was reused, its inputs being identical' }),
    catalogDiff: catalogDiffSchema.nullable(),
    outcome: z.enum(BUILD_OUTCOMES),
    step: z.string().nullable().openapi({
      description:
        'What the build is doing (pulling the base image, installing system packages, installing runtime dependencies with pip or npm, pushing the image, recording the catalog); its last step once it ended',
    }),
    error: z.string().nullable(),
    dockerUrl: z.string().nullable(),
    digest: z.string().nullable(),
    startedTime: unixTime('When the build started'),
    finishedTime: unixTime('When the build ended').nullable(),
    durationMs: z.int().nullable().openapi({ description: 'Milliseconds from start to end; null while running' }),
  })
  .openapi('Build', { description: 'One build of an image.' });

export type Build = z.infer<typeof buildSchema>;

export const catalogSchema = z
  .strictObject({
    image: z.string(),
    buildId: z.uuid().openapi({ description: 'The successful build the catalog was read from' }),
    packages: z.array(catalogEntrySchema),
  })
  .openapi('Catalog', {
    description: 'What is really installed in the built image: OS packages and language packages.',
  });

export type Catalog = z.infer<typeof catalogSchema>;

export function toImageResource(row: ImageRow): Image {
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

export function toBuildResource(row: BuildRow): Build {
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
    step: row.step,
    error: row.error,
    dockerUrl: row.dockerUrl,
    digest: row.digest,
    startedTime: unixSeconds(row.startedAt),
    finishedTime: row.finishedAt ? unixSeconds(row.finishedAt) : null,
    durationMs: row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
  };
}
