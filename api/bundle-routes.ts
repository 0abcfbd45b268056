import { OpenAPIHono, z } from '@hono/zod-openapi';
import {
  startBaseImageCleanup,
  startBaseImageVerification,
  startImageBuild,
  startImageCleanup,
} from '../client/workflow-starts.js';
import { baseImageFields } from './base-image-model.js';
import { applyBundle, type BundleEffects } from './bundle-apply.js';
import { bundleQuerySchema, bundleResponseSchema } from './bundle-model.js';
import { startCleanup } from './cleanups.js';
import { parseBundle } from './bundle-parse.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { imageFields } from './image-model.js';
import { errors, jsonAnswer, v1Route } from './openapi-route.js';
import { DEVELOPERS, mayWriteKind } from './permissions.js';
import { TAGS } from './tags.js';

/** One document of a bundle: a base image or an image body with its kind. */
const bundleDocumentSchema = (languages: readonly string[]) =>
  z
    // New objects from the bodies' fields: an `allOf` of the named body and a strict {kind} could match nothing.
    .union([
      z.strictObject({ ...baseImageFields(languages).shape, kind: z.literal('BaseImage') }),
      z.strictObject({ ...imageFields.shape, kind: z.literal('Image') }),
    ])
    .openapi('BundleDocument', {
      description:
        'One document of a bundle: a base image or an image body with its kind (for delete, kind and name suffice).',
    });

const applyRoute = (languages: readonly string[]) =>
  v1Route({
    resource: 'bundle',
    tags: [TAGS.bundles],
    method: 'post',
    path: '/',
    operationId: 'applyBundle',
    summary: 'Create, apply or delete many resources at once',
    description: [
      'The body is YAML: a stream of documents separated by ---, or one document holding a list; each document is a BundleDocument (kind BaseImage or Image, with the fields of the API).',
      'All or nothing: every document is validated, then all are written in one transaction, base images before the images on them (and deleted after them), so the order of documents does not matter.',
      'For delete, a document needs only its kind and name. A developer may only send documents of kind Image.',
      'Workflows start once the transaction has committed; one that fails to start is picked up by the reconciler.',
    ].join(' '),
    roles: DEVELOPERS,
    rawBody: true,
    request: {
      query: bundleQuerySchema,
      body: {
        required: true,
        description: 'The documents, as a YAML stream or a YAML list.',
        content: { 'application/yaml': { schema: z.array(bundleDocumentSchema(languages)).min(1) } },
      },
    },
    responses: {
      200: jsonAnswer(bundleResponseSchema, 'One result per document.'),
      ...errors({
        400: 'The YAML, the operation or a document is invalid; the message names the document (nothing was written).',
        403: "The token's role may not write a document's kind, or X-Dispatch-Org names another org.",
        404: 'delete: a named resource does not exist (nothing was deleted).',
        409: 'create: a resource already exists; delete: a base image is still used by images (nothing was written).',
        413: true,
      }),
    },
  });

/** POST /v1/bundle?operation=create|apply|delete with a YAML body: all documents or none. */
export function bundleRoutes({ config, database, starter, logger }: AppDeps) {
  /** After the commit: the work of every written resource. A failed start is picked up by the reconciler. */
  async function startWorkflows(effects: BundleEffects) {
    const starts = [
      ...effects.verify.map((row) => startBaseImageVerification(starter, row, { supersede: true })),
      ...effects.build.map(({ row, trigger }) => startImageBuild(starter, row, trigger, { supersede: true })),
      ...effects.cleanImage.map(({ row, dockerUrls, cleanup }) =>
        startCleanup(database.db, cleanup, () => startImageCleanup(starter, row, dockerUrls), logger),
      ),
      ...effects.cleanBase.map(({ row, cleanup }) =>
        startCleanup(database.db, cleanup, () => startBaseImageCleanup(starter, row), logger),
      ),
    ];
    for (const outcome of await Promise.allSettled(starts)) {
      if (outcome.status === 'rejected')
        logger.warn('bundle: workflow start failed', { error: String(outcome.reason) });
    }
  }

  return new OpenAPIHono<AppEnv>().openapi(applyRoute(config.languages), async (c) => {
    const { operation } = c.req.valid('query');
    const documents = parseBundle(await c.req.text(), operation, {
      languages: config.languages,
      maxDocuments: config.BUNDLE_MAX_DOCUMENTS,
    });
    for (const doc of documents) {
      if (!mayWriteKind(c.get('role'), doc.kind)) {
        throw new ApiError(403, `${doc.label}: role ${c.get('role')} may not ${operation} ${doc.kind} resources`);
      }
    }
    const effects = await database.db.transaction((tx) => applyBundle(tx, c.get('org'), operation, documents));
    await startWorkflows(effects);
    return c.json({ operation, results: effects.results }, 200);
  });
}
