import { OpenAPIHono } from '@hono/zod-openapi';
import { buildDockerUrls } from '../db/builds.js';
import { deleteImage, findImage, IMAGE_ORDER, insertImage, listImages, replaceImageSpec } from '../db/images.js';
import { startImageBuild, startImageCleanup } from '../client/workflow-starts.js';
import { recordCleanup } from '../db/cleanups.js';
import { startCleanup } from './cleanups.js';
import type { AppDeps, AppEnv } from './context.js';
import { alreadyExists, notFound } from './errors.js';
import { imageBuildRoutes } from './image-build-routes.js';
import { IMAGE, imageBodySchema, imageSchema, imageUpdateSchema, toImageResource } from './image-model.js';
import { specOnBase } from './image-spec.js';
import { errors, jsonAnswer, jsonOrYamlBody, v1Route } from './openapi-route.js';
import { page, pageAnswer, pageQueryFields, pageWindow } from './paging.js';
import { DEVELOPERS, READERS } from './permissions.js';
import { listQuery, nameParams, nameSchema, parseTagFilters } from './resource-schema.js';
import { unavailable } from './route-helpers.js';
import { TAGS } from './tags.js';

const common = { resource: IMAGE, tags: [TAGS.images] };
const params = nameParams(IMAGE);
const invalid = 'The body is invalid, or its base image does not exist in the org.';

function routes(languages: readonly string[]) {
  return {
    list: v1Route({
      ...common,
      method: 'get',
      path: '/',
      operationId: 'listImages',
      summary: 'List the images of the org',
      roles: READERS,
      request: {
        query: listQuery(IMAGE, languages).extend({
          baseImageName: nameSchema.optional().openapi({ description: 'Only images built on this base image.' }),
          ...pageQueryFields,
        }),
      },
      responses: {
        200: pageAnswer(imageSchema, 'A page of the images, by name ([] when there are none).'),
        ...errors({ 400: 'A tag or status filter, the limit or the cursor is malformed.' }),
      },
    }),
    create: v1Route({
      ...common,
      method: 'post',
      path: '/',
      operationId: 'createImage',
      summary: 'Create an image',
      description: 'The image is stored and its first build starts in the background.',
      roles: DEVELOPERS,
      request: { body: jsonOrYamlBody(imageBodySchema, 'The new image.') },
      responses: {
        201: jsonAnswer(imageSchema, 'The stored image.'),
        ...errors({ 400: invalid, 409: 'An image of this name already exists.', 413: true, 503: true }),
      },
    }),
    get: v1Route({
      ...common,
      method: 'get',
      path: '/{name}',
      operationId: 'getImage',
      summary: 'Get one image',
      roles: READERS,
      request: { params },
      responses: {
        200: jsonAnswer(imageSchema, 'The image.'),
        ...errors({ 400: 'The name is malformed.', 404: 'image NAME not found.' }),
      },
    }),
    replace: v1Route({
      ...common,
      method: 'put',
      path: '/{name}',
      operationId: 'replaceImage',
      summary: 'Replace the spec of an image',
      description: 'A new build starts and supersedes a running one; the answer has status UPDATING.',
      roles: DEVELOPERS,
      request: { params, body: jsonOrYamlBody(imageUpdateSchema, 'The new spec.') },
      responses: {
        200: jsonAnswer(imageSchema, 'The stored image.'),
        ...errors({ 400: invalid, 404: 'image NAME not found.', 413: true, 503: true }),
      },
    }),
    remove: v1Route({
      ...common,
      method: 'delete',
      path: '/{name}',
      operationId: 'deleteImage',
      summary: 'Delete an image',
      roles: DEVELOPERS,
      request: { params },
      responses: {
        200: jsonAnswer(imageSchema, 'The deleted image, with status DELETED.'),
        ...errors({ 400: 'The name is malformed.', 404: 'image NAME not found.' }),
      },
    }),
  };
}

export function imageRoutes(deps: AppDeps) {
  const { database, starter, logger, config } = deps;
  const { db } = database;
  const route = routes(config.languages);

  const app = new OpenAPIHono<AppEnv>()
    .openapi(route.create, async (c) => {
      const org = c.get('org');
      const body = c.req.valid('json');
      const label = `${IMAGE} ${body.name}`;
      const row = await db.transaction(async (tx) => {
        const inserted = await insertImage(tx, org, await specOnBase(tx, org, body, label));
        if (!inserted) throw alreadyExists(IMAGE, body.name);
        return inserted;
      });
      try {
        await startImageBuild(starter, row, 'create', { supersede: true });
      } catch (err) {
        await deleteImage(db, org, row.name); // nothing accepted, nothing kept
        throw unavailable(logger, label, err);
      }
      return c.json(toImageResource(row), 201);
    })
    .openapi(route.list, async (c) => {
      const { tag, status, language, baseImageName, ...paging } = c.req.valid('query');
      const filter = { tags: parseTagFilters(tag), status, language, baseImageName };
      const rows = await listImages(db, c.get('org'), filter, pageWindow(IMAGE, paging, IMAGE_ORDER));
      return c.json(page(c, rows, paging.limit, (row) => row.cursorKey).map(toImageResource), 200);
    })
    .openapi(route.get, async (c) => {
      const { name } = c.req.valid('param');
      const row = await findImage(db, c.get('org'), name);
      if (!row) throw notFound(IMAGE, name);
      return c.json(toImageResource(row), 200);
    })
    .openapi(route.replace, async (c) => {
      const org = c.get('org');
      const { name } = c.req.valid('param');
      const label = `${IMAGE} ${name}`;
      // The path names the resource; a different name in the body is overridden.
      const body = { ...c.req.valid('json'), name };
      // One transaction: if the build cannot start, nothing changes. The workflow's first write waits on this
      // row's lock and then sees the committed generation; the running build of the old spec is terminated.
      const row = await db.transaction(async (tx) => {
        const updated = await replaceImageSpec(tx, org, await specOnBase(tx, org, body, label));
        if (!updated) throw notFound(IMAGE, name);
        await startImageBuild(starter, updated, 'update', { supersede: true }).catch((err) => {
          throw unavailable(logger, label, err);
        });
        return updated;
      });
      return c.json(toImageResource(row), 200);
    })
    .openapi(route.remove, async (c) => {
      const { name } = c.req.valid('param');
      const row = await findImage(db, c.get('org'), name);
      if (!row) throw notFound(IMAGE, name);
      const dockerUrls = await buildDockerUrls(db, row.id);
      const cleanup = await db.transaction(async (tx) => {
        if (!(await deleteImage(tx, row.org, name))) throw notFound(IMAGE, name);
        return recordCleanup(tx, { kind: 'Image', resourceId: row.id, org: row.org, name, dockerUrls });
      });
      // The record is gone either way; a cleanup that cannot start now is started by the reconciler later.
      await startCleanup(db, cleanup, () => startImageCleanup(starter, row, dockerUrls), logger);
      return c.json({ ...toImageResource(row), status: 'DELETED' as const }, 200);
    });
  app.route('/', imageBuildRoutes(deps));
  return app;
}
