import { Hono } from 'hono';
import { buildDockerUrls } from '../db/builds.js';
import { deleteImage, findImage, insertImage, listImages, replaceImageSpec } from '../db/images.js';
import { startImageBuild, startImageCleanup } from '../client/workflow-starts.js';
import { recordCleanup } from '../db/cleanups.js';
import { startCleanup } from './cleanups.js';
import { limitBody, readBody } from './body.js';
import type { AppDeps, AppEnv } from './context.js';
import { alreadyExists, notFound } from './errors.js';
import { imageBuildRoutes } from './image-build-routes.js';
import { IMAGE, imageBodySchema, toImageResource } from './image-model.js';
import { specOnBase } from './image-spec.js';
import { labelFor, nameFromPath, parseBody, readListFilter, unavailable } from './route-helpers.js';

export function imageRoutes(deps: AppDeps) {
  const { database, starter, logger } = deps;
  const { db } = database;

  return new Hono<AppEnv>()
    .post('/', limitBody, async (c) => {
      const org = c.get('org');
      const raw = await readBody(c, IMAGE);
      const label = labelFor(IMAGE, raw);
      const body = parseBody(imageBodySchema, raw, label);
      const row = await db.transaction(async (tx) => {
        const inserted = await insertImage(tx, org, await specOnBase(tx, org, body, label));
        if (!inserted) throw alreadyExists(IMAGE, body.name);
        return inserted;
      });
      try {
        await startImageBuild(starter, row, 'create', { supersede: true });
      } catch (err) {
        await deleteImage(db, org, row.name); // nothing accepted, nothing kept
        throw unavailable(logger, `${IMAGE} ${row.name}`, err);
      }
      return c.json(toImageResource(row), 201);
    })
    .get('/', async (c) => {
      const filter = { ...readListFilter(c, IMAGE), baseImageName: c.req.query('baseImageName') || undefined };
      return c.json((await listImages(db, c.get('org'), filter)).map(toImageResource));
    })
    .get('/:name', async (c) => {
      const name = nameFromPath(c, IMAGE);
      const row = await findImage(db, c.get('org'), name);
      if (!row) throw notFound(IMAGE, name);
      return c.json(toImageResource(row));
    })
    .put('/:name', limitBody, async (c) => {
      const org = c.get('org');
      const name = nameFromPath(c, IMAGE);
      const label = `${IMAGE} ${name}`;
      // The path names the resource; a different name in the body is overridden.
      const body = parseBody(imageBodySchema, { ...((await readBody(c, label)) as object), name }, label);
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
      return c.json(toImageResource(row));
    })
    .delete('/:name', async (c) => {
      const name = nameFromPath(c, IMAGE);
      const row = await findImage(db, c.get('org'), name);
      if (!row) throw notFound(IMAGE, name);
      const dockerUrls = await buildDockerUrls(db, row.id);
      const cleanup = await db.transaction(async (tx) => {
        if (!(await deleteImage(tx, row.org, name))) throw notFound(IMAGE, name);
        return recordCleanup(tx, { kind: 'Image', resourceId: row.id, org: row.org, name, dockerUrls });
      });
      // The record is gone either way; a cleanup that cannot start now is started by the reconciler later.
      await startCleanup(db, cleanup, () => startImageCleanup(starter, row, dockerUrls), logger);
      return c.json({ ...toImageResource(row), status: 'DELETED' as const });
    })
    .route('/', imageBuildRoutes(deps));
}
