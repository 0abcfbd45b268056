import { Hono } from 'hono';
import { z } from 'zod';
import type { Role } from '../db/schema.js';
import { baseImageBodySchema } from './base-image-model.js';
import { MAX_BODY_BYTES } from './body.js';
import { BUNDLE_OPERATIONS } from './bundle-parse.js';
import { ORG_HEADER } from './context.js';
import { imageBodySchema } from './image-model.js';
import { openApiPage } from './openapi-page.js';
import { rolesAllowed } from './permissions.js';
import { rebuildBodySchema, scheduleBodySchema } from './rebuild-model.js';
import { nameSchema, statusFilterSchema } from './resource-schema.js';
import {
  baseImageSchema,
  buildSchema,
  bundleResponseSchema,
  catalogSchema,
  createdTokenSchema,
  deletedScheduleSchema,
  deletedTokenSchema,
  errorSchema,
  healthSchema,
  imageSchema,
  rebuildDetailSchema,
  rebuildPlanSchema,
  rebuildSchema,
  rebuildStartedSchema,
  scheduleSchema,
  tokenSchema,
} from './response-schemas.js';
import { tokenBodySchema } from './token-routes.js';

// The OpenAPI 3.1 description of the API. Request bodies are converted from the zod schemas the routes validate
// with, responses from api/response-schemas.ts (checked against the mappers), so neither can drift from the code.

export type JsonSchema = z.core.JSONSchema.BaseSchema;

export type Parameter = {
  name: string;
  in: 'query' | 'path' | 'header';
  required: boolean;
  description: string;
  schema: JsonSchema;
  style?: 'form' | 'simple';
  explode?: boolean;
};

export type MediaType = { schema: JsonSchema };
export type Content = Record<string, MediaType>;
export type ResponseObject = { description: string; content?: Content };
export type RequestBody = { required: boolean; description?: string; content: Content };

export type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: Parameter[];
  requestBody?: RequestBody;
  responses: Record<string, ResponseObject>;
  /** Empty for the public endpoints; otherwise the bearer scheme with the roles allowed (OpenAPI 3.1 role names). */
  security: Record<string, string[]>[];
};

export type HttpMethod = 'get' | 'put' | 'post' | 'delete';
export type PathItem = Partial<Record<HttpMethod, Operation>>;

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
};

const ROLE_RULES =
  'admin: everything in its org, and alone manages tokens; developer: images (and bundles of images), rebuilds and rebuild schedules, reading base images; viewer: reading only';
const SECURITY_SCHEME = 'bearerAuth';

const SERVER_SET =
  'Set by the server: accepted and ignored on input, so the output of GET can be edited and sent back.';
const PATH_NAME_WINS = 'Optional here: the name in the path wins over the one in the body.';

/** A custom check (`.refine`) has no JSON Schema form; its message becomes part of the description instead. */
function refinementNotes(schema: z.core.$ZodType): string[] {
  const notes: string[] = [];
  for (const check of schema._zod.def.checks ?? []) {
    if (check._zod.def.check !== 'custom') continue;
    const errorMap = check._zod.def.error as ((issue: { input: unknown }) => unknown) | undefined;
    const message = errorMap?.({ input: undefined });
    const text = typeof message === 'string' ? message : (message as { message?: unknown } | undefined)?.message;
    notes.push(
      typeof text === 'string'
        ? `Also checked by the server (refused with: "${text}").`
        : 'Also checked by the server.',
    );
  }
  return notes;
}

function annotate(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }) {
  const { zodSchema, jsonSchema } = ctx;
  const notes = refinementNotes(zodSchema);
  if (zodSchema._zod.def.type === 'unknown') {
    jsonSchema.readOnly = true;
    notes.push(SERVER_SET);
  }
  // Noise for a reader: z.int()'s safe-integer bounds and the patterns of z.uuid() and z.iso.datetime() (their
  // format says it).
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.format === 'uuid' || jsonSchema.format === 'date-time') delete jsonSchema.pattern;
  const fresh = notes.filter((n) => !jsonSchema.description?.includes(n));
  if (fresh.length) jsonSchema.description = [jsonSchema.description, ...fresh].filter(Boolean).join(' ');
}

/** A zod schema as a self-contained JSON Schema (no $schema, no $defs: it is embedded in the document). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json: JsonSchema = z.toJSONSchema(schema, { io, reused: 'inline', override: annotate });
  delete json.$schema;
  const text = JSON.stringify(json);
  if (text.includes('"$defs"') || text.includes('"$ref"')) throw new Error('expected a self-contained JSON Schema');
  return json;
}

/** The property at `path` (through `properties`), for a note the zod schema cannot carry by itself. */
function property(schema: JsonSchema, ...path: string[]): JsonSchema {
  let at = schema;
  for (const key of path) {
    const next = at.properties?.[key];
    if (!next || typeof next !== 'object') throw new Error(`schema has no property ${path.join('.')}`);
    at = next;
  }
  return at;
}

function describe(schema: JsonSchema, text: string): void {
  schema.description = [schema.description, text].filter(Boolean).join(' ');
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema): Content => ({ 'application/json': { schema } });
const jsonOrYaml = (schema: JsonSchema): Content => ({
  'application/json': { schema },
  'application/yaml': { schema },
});

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;
const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: 'The request is invalid; the message names the resource and every field at fault.',
  401: 'No bearer token, or one the server does not know.',
  403: `The token's role may not do this, or ${ORG_HEADER} names another org than the token's.`,
  404: 'The resource does not exist in the org.',
  409: 'The request conflicts with the stored resources.',
  413: `The body is larger than ${MAX_BODY_BYTES} bytes.`,
  500: 'An internal error; the details are in the server log.',
  503: 'The workflow service (Temporal) did not accept the work; nothing was changed, try again.',
};

function errors(specific: Partial<Record<ErrorStatus, string | true>>): Record<string, ResponseObject> {
  const all: Partial<Record<ErrorStatus, string | true>> = { 401: true, 403: true, ...specific, 500: true };
  return Object.fromEntries(
    Object.entries(all)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, text]) => [
        status,
        {
          description: text === true ? ERROR_TEXT[Number(status) as ErrorStatus] : text,
          content: json(ref('Error')),
        },
      ]),
  );
}

export function openApiDocument(languages: readonly string[]): OpenApiDocument {
  const supported = languages.join(', ');

  // Request bodies: the very schemas of the routes (PUT takes the name from the path).
  const baseImageBody = baseImageBodySchema(languages);
  const schemas: Record<string, JsonSchema> = {
    BaseImageBody: jsonSchemaOf(baseImageBody, 'input'),
    BaseImageUpdateBody: jsonSchemaOf(baseImageBody.partial({ name: true }), 'input'),
    ImageBody: jsonSchemaOf(imageBodySchema, 'input'),
    ImageUpdateBody: jsonSchemaOf(imageBodySchema.partial({ name: true }), 'input'),
  };
  for (const name of ['BaseImageBody', 'BaseImageUpdateBody'] as const) {
    const body = schemas[name]!;
    body.description = 'A base image as sent to POST and PUT /v1/baseimage (JSON or YAML).';
    // The refinement is `languages.includes(language)`: exactly an enum of the configured languages.
    property(body, 'language').enum = [...languages];
  }
  for (const name of ['ImageBody', 'ImageUpdateBody'] as const) {
    const body = schemas[name]!;
    body.description = 'An image as sent to POST and PUT /v1/image (JSON or YAML).';
    describe(
      property(body, 'baseImageName'),
      'A base image of the same org; it must exist, and the image takes its language.',
    );
    describe(
      property(body, 'runtimeDependencies', 'manifest'),
      "The full text of requirements.txt (python3) or package.json (nodejs; must then be a JSON object). A reference such as '@requirements.txt' is refused: the dispatch CLI replaces it with the file's content.",
    );
    describe(property(body, 'systemDependencies', 'packages'), 'OS packages to install; null means none.');
  }
  describe(property(schemas.BaseImageUpdateBody!, 'name'), PATH_NAME_WINS);
  describe(property(schemas.ImageUpdateBody!, 'name'), PATH_NAME_WINS);

  Object.assign(schemas, {
    TokenBody: jsonSchemaOf(tokenBodySchema, 'input'),
    RebuildBody: jsonSchemaOf(rebuildBodySchema, 'input'),
    RebuildScheduleBody: jsonSchemaOf(scheduleBodySchema, 'input'),
  });
  schemas.TokenBody!.description = 'A token to create, as sent to POST /v1/token (JSON or YAML).';
  describe(property(schemas.TokenBody!, 'name'), 'What the token is for (a person, a CI job); need not be unique.');
  describe(property(schemas.TokenBody!, 'role'), `What the token may do: ${ROLE_RULES}.`);
  schemas.RebuildBody!.description = 'A batch rebuild, as sent to POST /v1/rebuilds (JSON or YAML).';
  schemas.RebuildScheduleBody!.description =
    'A rebuild schedule, as sent to POST /v1/rebuildschedules (JSON or YAML); its runs are rebuilds that are not dry runs.';
  for (const name of ['RebuildBody', 'RebuildScheduleBody'] as const) {
    const body = schemas[name]!;
    describe(
      property(body, 'selector'),
      'Which images: {"all": true} for every image of the org, {"baseImageName": NAME} for the images of a base image (which must exist), or {"tag": {"key": K, "value": V}} for the images carrying a tag.',
    );
    describe(
      property(body, 'force'),
      'Rebuild every selected image whose base image could be verified; otherwise only those never built successfully or whose build inputs (base image digest, dependencies, template) changed since their last successful build.',
    );
  }
  describe(
    property(schemas.RebuildBody!, 'dryRun'),
    'Only plan: answer what would be rebuilt and why, and build nothing. The base images are verified again either way.',
  );
  describe(
    property(schemas.RebuildScheduleBody!, 'cron'),
    'When to run, in UTC: five or six cron fields ("0 3 * * *") or a descriptor (@daily, @every 6h); Temporal checks the rest.',
  );
  describe(property(schemas.RebuildScheduleBody!, 'paused'), 'Create the schedule paused.');

  schemas.BundleDocument = {
    description:
      'One document of a bundle: a base image or an image body with its kind (for delete, kind and name suffice). The bundle is validated whole before anything is written, and the order of documents does not matter.',
    oneOf: [
      { allOf: [ref('BaseImageBody'), { properties: { kind: { const: 'BaseImage' } }, required: ['kind'] }] },
      { allOf: [ref('ImageBody'), { properties: { kind: { const: 'Image' } }, required: ['kind'] }] },
    ],
  };
  Object.assign(schemas, {
    BaseImage: jsonSchemaOf(baseImageSchema, 'output'),
    Image: jsonSchemaOf(imageSchema, 'output'),
    Build: jsonSchemaOf(buildSchema, 'output'),
    Catalog: jsonSchemaOf(catalogSchema, 'output'),
    BundleResponse: jsonSchemaOf(bundleResponseSchema, 'output'),
    Token: jsonSchemaOf(tokenSchema, 'output'),
    CreatedToken: jsonSchemaOf(createdTokenSchema, 'output'),
    DeletedToken: jsonSchemaOf(deletedTokenSchema, 'output'),
    RebuildPlan: jsonSchemaOf(rebuildPlanSchema, 'output'),
    RebuildStarted: jsonSchemaOf(rebuildStartedSchema, 'output'),
    Rebuild: jsonSchemaOf(rebuildSchema, 'output'),
    RebuildDetail: jsonSchemaOf(rebuildDetailSchema, 'output'),
    RebuildSchedule: jsonSchemaOf(scheduleSchema, 'output'),
    DeletedRebuildSchedule: jsonSchemaOf(deletedScheduleSchema, 'output'),
    Health: jsonSchemaOf(healthSchema, 'output'),
    Error: jsonSchemaOf(errorSchema, 'output'),
  });

  const orgHeader: Parameter = {
    name: ORG_HEADER,
    in: 'header',
    required: false,
    description:
      "The org to act in. Optional: it defaults to the token's org, and naming another org is refused (403).",
    schema: jsonSchemaOf(nameSchema, 'input'),
  };
  const nameParam = (kind: string): Parameter => ({
    name: 'name',
    in: 'path',
    required: true,
    description: `The name of the ${kind}.`,
    schema: jsonSchemaOf(nameSchema, 'input'),
  });
  const listFilters = (kind: string): Parameter[] => [
    {
      name: 'tag',
      in: 'query',
      required: false,
      description: `Only ${kind}s with this tag, written key=value; repeat it to require several tags.`,
      schema: { type: 'array', items: { type: 'string', pattern: '^[^=]+=' } },
      style: 'form',
      explode: true,
    },
    {
      name: 'status',
      in: 'query',
      required: false,
      description: `Only ${kind}s in this status.`,
      schema: jsonSchemaOf(statusFilterSchema, 'input'),
    },
    {
      name: 'language',
      in: 'query',
      required: false,
      description: `Only ${kind}s of this language (this server supports ${supported}).`,
      schema: { type: 'string' },
    },
  ];
  const follow: Parameter = {
    name: 'follow',
    in: 'query',
    required: false,
    description: 'true (or 1): keep the response open and stream the log as it grows until the build ends.',
    schema: { type: 'boolean', default: false },
  };
  const buildId: Parameter = {
    name: 'buildId',
    in: 'path',
    required: true,
    description: 'The id of one build, as listed by /v1/image/{name}/builds.',
    schema: { type: 'string', format: 'uuid' },
  };
  const idParam = (kind: string, listedBy: string): Parameter => ({
    name: 'id',
    in: 'path',
    required: true,
    description: `The id of the ${kind}, as listed by ${listedBy}.`,
    schema: { type: 'string', format: 'uuid' },
  });
  const log: ResponseObject = {
    description: 'The build output as plain text (streamed while following).',
    content: { 'text/plain': { schema: { type: 'string' } } },
  };

  // Security is filled in below, from the permission rules the server enforces.
  const op = (
    operationId: string,
    tag: string,
    summary: string,
    rest: Omit<Operation, 'operationId' | 'summary' | 'tags' | 'security' | 'parameters'> & {
      parameters?: Parameter[];
    },
  ): Operation => ({
    operationId,
    summary,
    tags: [tag],
    ...rest,
    parameters: [...(rest.parameters ?? []), orgHeader],
    security: [],
  });
  const open = (operationId: string, tag: string, summary: string, responses: Record<string, ResponseObject>) => ({
    operationId,
    summary,
    tags: [tag],
    parameters: [],
    responses,
    security: [],
  });
  const body = (schema: string, description: string): RequestBody => ({
    required: true,
    description,
    content: jsonOrYaml(ref(schema)),
  });

  const BASE = 'Base images';
  const IMAGES = 'Images';
  const BUILDS = 'Builds';
  const BI = 'base image';
  const TOKENS = 'Tokens';
  const REBUILDS = 'Rebuilds';
  const SCHEDULES = 'Rebuild schedules';
  const SCHEDULE = 'rebuild schedule';
  const scheduleAnswer = (description: string): ResponseObject => ({
    description,
    content: json(ref('RebuildSchedule')),
  });
  const scheduleErrors = errors({ 400: 'The name is malformed.', 404: 'rebuild schedule NAME not found.' });

  const paths: Record<string, PathItem> = {
    '/healthz': {
      get: open('health', 'Health', 'Health of the API and of every dependency (Postgres, Temporal)', {
        200: { description: 'Everything answers.', content: json(ref('Health')) },
        503: { description: 'A dependency does not answer.', content: json(ref('Health')) },
      }),
    },
    '/v1/baseimage': {
      get: op('listBaseImages', BASE, 'List the base images of the org', {
        parameters: listFilters(BI),
        responses: {
          200: {
            description: 'The base images ([] when there are none).',
            content: json({ type: 'array', items: ref('BaseImage') }),
          },
          ...errors({ 400: 'A tag or status filter is malformed.' }),
        },
      }),
      post: op('createBaseImage', BASE, 'Create a base image', {
        description: 'The base image is stored in status INITIALIZED and then verified (pulled) in the background.',
        requestBody: body('BaseImageBody', 'The new base image.'),
        responses: {
          201: { description: 'The stored base image.', content: json(ref('BaseImage')) },
          ...errors({ 400: true, 409: 'A base image of this name already exists.', 413: true, 503: true }),
        },
      }),
    },
    '/v1/baseimage/{name}': {
      get: op('getBaseImage', BASE, 'Get one base image', {
        parameters: [nameParam(BI)],
        responses: {
          200: { description: 'The base image.', content: json(ref('BaseImage')) },
          ...errors({ 400: 'The name is malformed.', 404: 'base image NAME not found.' }),
        },
      }),
      put: op('replaceBaseImage', BASE, 'Replace the spec of a base image', {
        description: 'The base image is verified again; the answer has status UPDATING.',
        parameters: [nameParam(BI)],
        requestBody: body('BaseImageUpdateBody', 'The new spec; the name in the path wins.'),
        responses: {
          200: { description: 'The stored base image.', content: json(ref('BaseImage')) },
          ...errors({ 400: true, 404: 'base image NAME not found.', 413: true, 503: true }),
        },
      }),
      delete: op('deleteBaseImage', BASE, 'Delete a base image', {
        parameters: [nameParam(BI)],
        responses: {
          200: { description: 'The deleted base image, with status DELETED.', content: json(ref('BaseImage')) },
          ...errors({
            400: 'The name is malformed.',
            404: 'base image NAME not found.',
            409: 'Images still use the base image; the message names them.',
          }),
        },
      }),
    },
    '/v1/image': {
      get: op('listImages', IMAGES, 'List the images of the org', {
        parameters: [
          ...listFilters('image'),
          {
            name: 'baseImageName',
            in: 'query',
            required: false,
            description: 'Only images built on this base image.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          200: {
            description: 'The images ([] when there are none).',
            content: json({ type: 'array', items: ref('Image') }),
          },
          ...errors({ 400: 'A tag or status filter is malformed.' }),
        },
      }),
      post: op('createImage', IMAGES, 'Create an image', {
        description: 'The image is stored and its first build starts in the background.',
        requestBody: body('ImageBody', 'The new image.'),
        responses: {
          201: { description: 'The stored image.', content: json(ref('Image')) },
          ...errors({
            400: 'The body is invalid, or its base image does not exist in the org.',
            409: 'An image of this name already exists.',
            413: true,
            503: true,
          }),
        },
      }),
    },
    '/v1/image/{name}': {
      get: op('getImage', IMAGES, 'Get one image', {
        parameters: [nameParam('image')],
        responses: {
          200: { description: 'The image.', content: json(ref('Image')) },
          ...errors({ 400: 'The name is malformed.', 404: 'image NAME not found.' }),
        },
      }),
      put: op('replaceImage', IMAGES, 'Replace the spec of an image', {
        description: 'A new build starts and supersedes a running one; the answer has status UPDATING.',
        parameters: [nameParam('image')],
        requestBody: body('ImageUpdateBody', 'The new spec; the name in the path wins.'),
        responses: {
          200: { description: 'The stored image.', content: json(ref('Image')) },
          ...errors({
            400: 'The body is invalid, or its base image does not exist in the org.',
            404: 'image NAME not found.',
            413: true,
            503: true,
          }),
        },
      }),
      delete: op('deleteImage', IMAGES, 'Delete an image', {
        parameters: [nameParam('image')],
        responses: {
          200: { description: 'The deleted image, with status DELETED.', content: json(ref('Image')) },
          ...errors({ 400: 'The name is malformed.', 404: 'image NAME not found.' }),
        },
      }),
    },
    '/v1/image/{name}/catalog': {
      get: op('getImageCatalog', BUILDS, 'What is really installed in the built image', {
        parameters: [nameParam('image')],
        responses: {
          200: { description: 'The catalog of the current build.', content: json(ref('Catalog')) },
          ...errors({
            400: 'The name is malformed.',
            404: 'The image does not exist, or has not been built successfully yet.',
          }),
        },
      }),
    },
    '/v1/image/{name}/builds': {
      get: op('listImageBuilds', BUILDS, 'The build history of an image, newest first', {
        parameters: [nameParam('image')],
        responses: {
          200: { description: 'The builds.', content: json({ type: 'array', items: ref('Build') }) },
          ...errors({ 400: 'The name is malformed.', 404: 'image NAME not found.' }),
        },
      }),
    },
    '/v1/image/{name}/logs': {
      get: op('getImageLog', BUILDS, 'The log of the latest build of an image', {
        parameters: [nameParam('image'), follow],
        responses: {
          200: log,
          ...errors({ 400: 'The name is malformed.', 404: 'The image does not exist or has no builds yet.' }),
        },
      }),
    },
    '/v1/image/{name}/builds/{buildId}/logs': {
      get: op('getBuildLog', BUILDS, 'The log of one build of an image', {
        parameters: [nameParam('image'), buildId, follow],
        responses: {
          200: log,
          ...errors({ 400: 'The name is malformed.', 404: 'The image or the build does not exist.' }),
        },
      }),
    },
    '/v1/bundle': {
      post: op('applyBundle', 'Bundles', 'Create, apply or delete many resources at once', {
        description: [
          'The body is multi-document YAML; each document is a BundleDocument (kind BaseImage or Image, with the fields of the API).',
          'All or nothing: every document is validated, then all are written in one transaction, base images before the images on them (and deleted after them), so the order of documents does not matter.',
          'For delete, a document needs only its kind and name. A developer may only send documents of kind Image.',
          'Workflows start once the transaction has committed; one that fails to start is picked up by the reconciler.',
        ].join(' '),
        parameters: [
          {
            name: 'operation',
            in: 'query',
            required: false,
            description:
              'create: every resource is new (409 otherwise); apply: create or update, leaving unchanged ones alone; delete: remove the named resources.',
            schema: { type: 'string', enum: [...BUNDLE_OPERATIONS], default: 'create' },
          },
        ],
        requestBody: {
          required: true,
          description: 'Multi-document YAML (documents separated by ---), each one a BundleDocument.',
          content: {
            'application/yaml': {
              schema: { type: 'string', description: 'YAML text; see #/components/schemas/BundleDocument.' },
            },
          },
        },
        responses: {
          200: { description: 'One result per document.', content: json(ref('BundleResponse')) },
          ...errors({
            400: 'The YAML, the operation or a document is invalid; the message names the document (nothing was written).',
            403: "The token's role may not write a document's kind, or X-Dispatch-Org names another org.",
            404: 'delete: a named resource does not exist (nothing was deleted).',
            409: 'create: a resource already exists; delete: a base image is still used by images (nothing was written).',
            413: true,
          }),
        },
      }),
    },
    '/v1/token': {
      get: op('listTokens', TOKENS, 'List the tokens of the org', {
        description: 'Oldest first. The tokens themselves are never shown again, only their names and roles.',
        responses: {
          200: { description: 'The tokens.', content: json({ type: 'array', items: ref('Token') }) },
          ...errors({}),
        },
      }),
      post: op('createToken', TOKENS, 'Create a token for the org', {
        description: 'The answer holds the token itself, the only time it is shown: the server keeps only its SHA-256.',
        requestBody: body('TokenBody', 'The name and role of the new token.'),
        responses: {
          201: { description: 'The new token, with its secret.', content: json(ref('CreatedToken')) },
          ...errors({ 400: true, 413: true }),
        },
      }),
    },
    '/v1/token/{id}': {
      delete: op('deleteToken', TOKENS, 'Delete (revoke) a token', {
        description: 'Requests with the token are refused (401) from then on.',
        parameters: [idParam('token', 'GET /v1/token')],
        responses: {
          200: { description: 'The token is deleted.', content: json(ref('DeletedToken')) },
          ...errors({ 404: 'token ID not found (an id that is not a UUID included).' }),
        },
      }),
    },
    '/v1/rebuilds': {
      get: op('listRebuilds', REBUILDS, 'List the recent rebuilds of the org, newest first', {
        description: 'The latest 50, dry runs and scheduled runs included, without their items.',
        responses: {
          200: { description: 'The rebuilds.', content: json({ type: 'array', items: ref('Rebuild') }) },
          ...errors({}),
        },
      }),
      post: op('startRebuild', REBUILDS, 'Plan (dry run) or start a batch rebuild', {
        description: [
          "The selected images' base images are verified (pulled) again, then each image is planned: rebuilt when its build inputs changed since its last successful build (or always when forced), skipped otherwise.",
          'A dry run answers the plan (200) once it is computed, which takes seconds, and builds nothing.',
          'Otherwise the rebuild runs in the background (202) with a few builds at a time; images with identical inputs are built once and the others reuse that image.',
        ].join(' '),
        requestBody: body('RebuildBody', 'What to rebuild.'),
        responses: {
          200: { description: 'dryRun: the plan; nothing was built.', content: json(ref('RebuildPlan')) },
          202: { description: 'The rebuild has started.', content: json(ref('RebuildStarted')) },
          ...errors({
            400: 'The body is invalid, or selector.baseImageName names a base image that does not exist.',
            413: true,
            503: 'The workflow service (Temporal) did not accept the rebuild, or the dry run did not complete; try again.',
          }),
        },
      }),
    },
    '/v1/rebuilds/{id}': {
      get: op('getRebuild', REBUILDS, 'Get one rebuild with its items', {
        parameters: [idParam('rebuild', 'GET /v1/rebuilds or answered by POST /v1/rebuilds')],
        responses: {
          200: {
            description: 'The rebuild, its plan and what became of each image.',
            content: json(ref('RebuildDetail')),
          },
          ...errors({
            404: 'rebuild ID not found (an id that is not a UUID included). A started rebuild is recorded a moment after POST answers.',
          }),
        },
      }),
    },
    '/v1/rebuildschedules': {
      get: op('listRebuildSchedules', SCHEDULES, 'List the rebuild schedules of the org, by name', {
        responses: {
          200: {
            description: 'The schedules, each with its state from Temporal.',
            content: json({ type: 'array', items: ref('RebuildSchedule') }),
          },
          ...errors({}),
        },
      }),
      post: op('createRebuildSchedule', SCHEDULES, 'Create a rebuild schedule', {
        description: [
          'A Temporal Schedule (visible in the Temporal Web UI) starts a rebuild, not a dry run, at every time of the cron expression.',
          'A run that falls due while the previous one still runs is skipped; one Temporal could not start on time (while it was down) is still started if at most 10 minutes late.',
        ].join(' '),
        requestBody: body('RebuildScheduleBody', 'The new schedule.'),
        responses: {
          201: scheduleAnswer('The stored schedule.'),
          ...errors({
            400: 'The body is invalid, selector.baseImageName names a base image that does not exist, or Temporal refused the cron expression (nothing was stored).',
            409: 'A rebuild schedule of this name already exists.',
            413: true,
            503: true,
          }),
        },
      }),
    },
    '/v1/rebuildschedules/{name}': {
      get: op('getRebuildSchedule', SCHEDULES, 'Get one rebuild schedule', {
        parameters: [nameParam(SCHEDULE)],
        responses: { 200: scheduleAnswer('The schedule.'), ...scheduleErrors },
      }),
      delete: op('deleteRebuildSchedule', SCHEDULES, 'Delete a rebuild schedule', {
        description:
          'Its Temporal Schedule is deleted too; the rebuilds it started are kept, and a running one goes on.',
        parameters: [nameParam(SCHEDULE)],
        responses: {
          200: { description: 'The deleted schedule.', content: json(ref('DeletedRebuildSchedule')) },
          ...scheduleErrors,
        },
      }),
    },
    '/v1/rebuildschedules/{name}/pause': {
      post: op('pauseRebuildSchedule', SCHEDULES, 'Pause a rebuild schedule', {
        description: 'No run falls due until it is unpaused. No body.',
        parameters: [nameParam(SCHEDULE)],
        responses: { 200: scheduleAnswer('The schedule, paused.'), ...scheduleErrors },
      }),
    },
    '/v1/rebuildschedules/{name}/unpause': {
      post: op('unpauseRebuildSchedule', SCHEDULES, 'Unpause a rebuild schedule', {
        description: 'Runs fall due again from now on. No body.',
        parameters: [nameParam(SCHEDULE)],
        responses: { 200: scheduleAnswer('The schedule, unpaused.'), ...scheduleErrors },
      }),
    },
    '/v1/rebuildschedules/{name}/trigger': {
      post: op('triggerRebuildSchedule', SCHEDULES, 'Run a rebuild schedule now', {
        description: 'Starts a run at once, even while a previous run still runs. No body.',
        parameters: [nameParam(SCHEDULE)],
        responses: {
          200: scheduleAnswer('The schedule (the new run may not be among its recentRuns yet).'),
          ...scheduleErrors,
        },
      }),
    },
    '/openapi.json': {
      get: open('openApiDocument', 'Documentation', 'This OpenAPI document', {
        200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) },
      }),
    },
    '/docs': {
      get: open('openApiReference', 'Documentation', 'A readable reference of this API', {
        200: { description: 'An HTML page.', content: { 'text/html': { schema: { type: 'string' } } } },
      }),
    },
  };

  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, operation] of Object.entries(item) as [HttpMethod, Operation][]) {
      const roles: Role[] = [...rolesAllowed(method.toUpperCase(), path)];
      operation.security = [{ [SECURITY_SCHEME]: roles }];
      operation.description = [operation.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join(' ');
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Dispatch images API',
      version: 'v1',
      description: [
        'Base images and the images built on them, on Temporal; batch rebuilds of images, on demand or on a schedule.',
        'Bodies are JSON; POST and PUT also accept YAML (Content-Type: application/yaml).',
        `Every error body is {"code": <http status>, "message": "..."}. Bodies over ${MAX_BODY_BYTES} bytes are refused with 413.`,
        `Every /v1 request needs Authorization: Bearer <token>; the token names the org and the role (${ROLE_RULES}).`,
      ].join(' '),
    },
    tags: [
      { name: 'Health', description: 'Whether the service and its dependencies answer.' },
      { name: BASE, description: 'Docker images that images are built on, per language.' },
      { name: IMAGES, description: 'Images built from a base image plus runtime and system dependencies.' },
      { name: BUILDS, description: 'Build history, logs and catalogs of images.' },
      { name: 'Bundles', description: 'Many resources in one multi-document YAML request.' },
      {
        name: REBUILDS,
        description:
          'Rebuilding many images at once, for instance when their base image moved: planned first, then built.',
      },
      { name: SCHEDULES, description: 'Batch rebuilds on a cron schedule, run by Temporal Schedules.' },
      { name: TOKENS, description: "The org's bearer tokens; administrators only." },
      { name: 'Documentation', description: 'This description of the API.' },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: `Authorization: Bearer <token>. The token belongs to one org and has one role: ${ROLE_RULES}. Each operation lists the roles it allows.`,
        },
      },
    },
  };
}

/** GET /openapi.json and GET /docs; neither needs a token. Mount with `app.route('/', openApiRoutes(languages))`. */
export function openApiRoutes(languages: readonly string[]) {
  const doc = openApiDocument(languages);
  const text = JSON.stringify(doc);
  const page = openApiPage(doc);
  return new Hono()
    .get('/openapi.json', (c) => c.body(text, 200, { 'Content-Type': 'application/json; charset=utf-8' }))
    .get('/docs', (c) => {
      // The page is self-contained: nothing to load, no script to run.
      c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      return c.html(page);
    });
}
