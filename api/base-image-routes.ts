import { OpenAPIHono } from '@hono/zod-openapi';
import {
  BASE_IMAGE_ORDER,
  deleteBaseImage,
  findBaseImage,
  insertBaseImage,
  listBaseImages,
  lockBaseImage,
  replaceBaseImageSpec,
} from '../db/base-images.js';
import { imagesUsingBase } from '../db/images.js';
import { startBaseImageCleanup, startBaseImageVerification } from '../client/workflow-starts.js';
import { recordCleanup } from '../db/cleanups.js';
import { startCleanup } from './cleanups.js';
import {
  BASE_IMAGE,
  baseImageBodySchema,
  baseImageSchema,
  baseImageUpdateSchema,
  toBaseImageResource,
} from './base-image-model.js';
import type { AppDeps, AppEnv } from './context.js';
import { alreadyExists, ApiError, notFound } from './errors.js';
import { errors, jsonAnswer, jsonOrYamlBody, v1Route } from './openapi-route.js';
import { page, pageAnswer, pageQueryFields, pageWindow } from './paging.js';
import { ADMINS, READERS } from './permissions.js';
import { listQuery, nameParams, parseTagFilters } from './resource-schema.js';
import { unavailable } from './route-helpers.js';
import { TAGS } from './tags.js';

const common = { resource: BASE_IMAGE, tags: [TAGS.baseImages] };
const params = nameParams(BASE_IMAGE);

function routes(languages: readonly string[]) {
  return {
    list: v1Route({
      ...common,
      method: 'get',
      path: '/',
      operationId: 'listBaseImages',
      summary: 'List the base images of the org',
      roles: READERS,
      request: { query: listQuery(BASE_IMAGE, languages).extend(pageQueryFields) },
      responses: {
        200: pageAnswer(baseImageSchema, 'A page of the base images, by name ([] when there are none).'),
        ...errors({ 400: 'A tag or status filter, the limit or the cursor is malformed.' }),
      },
    }),
    create: v1Route({
      ...common,
      method: 'post',
      path: '/',
      operationId: 'createBaseImage',
      summary: 'Create a base image',
      description: 'The base image is stored in status INITIALIZED and then verified (pulled) in the background.',
      roles: ADMINS,
      request: { body: jsonOrYamlBody(baseImageBodySchema(languages), 'The new base image.') },
      responses: {
        201: jsonAnswer(baseImageSchema, 'The stored base image.'),
        ...errors({ 400: true, 409: 'A base image of this name already exists.', 413: true, 503: true }),
      },
    }),
    get: v1Route({
      ...common,
      method: 'get',
      path: '/{name}',
      operationId: 'getBaseImage',
      summary: 'Get one base image',
      roles: READERS,
      request: { params },
      responses: {
        200: jsonAnswer(baseImageSchema, 'The base image.'),
        ...errors({ 400: 'The name is malformed.', 404: 'base image NAME not found.' }),
      },
    }),
    replace: v1Route({
      ...common,
      method: 'put',
      path: '/{name}',
      operationId: 'replaceBaseImage',
      summary: 'Replace the spec of a base image',
      description: 'The base image is verified again; the answer has status UPDATING.',
      roles: ADMINS,
      request: { params, body: jsonOrYamlBody(baseImageUpdateSchema(languages), 'The new spec.') },
      responses: {
        200: jsonAnswer(baseImageSchema, 'The stored base image.'),
        ...errors({ 400: true, 404: 'base image NAME not found.', 413: true, 503: true }),
      },
    }),
    remove: v1Route({
      ...common,
      method: 'delete',
      path: '/{name}',
      operationId: 'deleteBaseImage',
      summary: 'Delete a base image',
      roles: ADMINS,
      request: { params },
      responses: {
        200: jsonAnswer(baseImageSchema, 'The deleted base image, with status DELETED.'),
        ...errors({
          400: 'The name is malformed.',
          404: 'base image NAME not found.',
          409: 'Images still use the base image; the message names them.',
        }),
      },
    }),
  };
}

export function baseImageRoutes({ config, database, starter, logger }: AppDeps) {
  const { db } = database;
  const route = routes(config.languages);

  return new OpenAPIHono<AppEnv>()
    .openapi(route.create, async (c) => {
      const { name, dockerUrl, language, tags } = c.req.valid('json');
      const row = await insertBaseImage(db, c.get('org'), { name, dockerUrl, language, tags });
      if (!row) throw alreadyExists(BASE_IMAGE, name);
      try {
        await startBaseImageVerification(starter, row, { supersede: true });
      } catch (err) {
        await deleteBaseImage(db, row.org, row.name); // nothing accepted, nothing kept
        throw unavailable(logger, `${BASE_IMAGE} ${name}`, err);
      }
      return c.json(toBaseImageResource(row), 201);
    })
    .openapi(route.list, async (c) => {
      const { tag, status, language, ...paging } = c.req.valid('query');
      const filter = { tags: parseTagFilters(tag), status, language };
      const rows = await listBaseImages(db, c.get('org'), filter, pageWindow(BASE_IMAGE, paging, BASE_IMAGE_ORDER));
      return c.json(page(c, rows, paging.limit, (row) => row.cursorKey).map(toBaseImageResource), 200);
    })
    .openapi(route.get, async (c) => {
      const { name } = c.req.valid('param');
      const row = await findBaseImage(db, c.get('org'), name);
      if (!row) throw notFound(BASE_IMAGE, name);
      return c.json(toBaseImageResource(row), 200);
    })
    .openapi(route.replace, async (c) => {
      const { name } = c.req.valid('param');
      // The path names the resource; a different name in the body is overridden, as the contract says.
      const { dockerUrl, language, tags } = c.req.valid('json');
      const spec = { name, dockerUrl, language, tags };
      // One transaction: if the workflow cannot start, the spec is not changed. The workflow's first write waits
      // on this row's lock and then sees the committed generation.
      const row = await db.transaction(async (tx) => {
        const updated = await replaceBaseImageSpec(tx, c.get('org'), spec);
        if (!updated) throw notFound(BASE_IMAGE, name);
        await startBaseImageVerification(starter, updated, { supersede: true }).catch((err) => {
          throw unavailable(logger, `${BASE_IMAGE} ${name}`, err);
        });
        return updated;
      });
      return c.json(toBaseImageResource(row), 200);
    })
    .openapi(route.remove, async (c) => {
      const { name } = c.req.valid('param');
      // The row lock makes a concurrent create of an image on this base image wait, then fail cleanly.
      const row = await db.transaction(async (tx) => {
        if (!(await lockBaseImage(tx, c.get('org'), name, 'update'))) throw notFound(BASE_IMAGE, name);
        const users = await imagesUsingBase(tx, c.get('org'), name);
        if (users.length) {
          throw new ApiError(
            409,
            `base image ${name} is used by images ${users.join(', ')}: delete or move them first`,
          );
        }
        const deleted = await deleteBaseImage(tx, c.get('org'), name);
        if (!deleted) throw notFound(BASE_IMAGE, name);
        const cleanup = await recordCleanup(tx, {
          kind: 'BaseImage',
          resourceId: deleted.id,
          org: deleted.org,
          name,
          dockerUrls: [deleted.dockerUrl],
        });
        return { ...deleted, cleanup };
      });
      // The record is gone either way; a cleanup that cannot start now is started by the reconciler later.
      await startCleanup(db, row.cleanup, () => startBaseImageCleanup(starter, row), logger);
      return c.json({ ...toBaseImageResource(row), status: 'DELETED' as const }, 200);
    });
}
