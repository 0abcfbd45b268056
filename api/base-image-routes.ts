import { Hono } from 'hono';
import {
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
import { BASE_IMAGE, baseImageBodySchema, toBaseImageResource } from './base-image-model.js';
import { limitBody, readBody } from './body.js';
import type { AppDeps, AppEnv } from './context.js';
import { alreadyExists, ApiError, notFound } from './errors.js';
import { labelFor, nameFromPath, parseBody, readListFilter, unavailable } from './route-helpers.js';

export function baseImageRoutes({ config, database, starter, logger }: AppDeps) {
  const { db } = database;
  const bodySchema = baseImageBodySchema(config.languages);

  function readSpec(body: unknown, label: string) {
    const { name, dockerUrl, language, tags } = parseBody(bodySchema, body, label);
    return { name, dockerUrl, language, tags };
  }

  return new Hono<AppEnv>()
    .post('/', limitBody, async (c) => {
      const body = await readBody(c, BASE_IMAGE);
      const spec = readSpec(body, labelFor(BASE_IMAGE, body));
      const row = await insertBaseImage(db, c.get('org'), spec);
      if (!row) throw alreadyExists(BASE_IMAGE, spec.name);
      try {
        await startBaseImageVerification(starter, row, { supersede: true });
      } catch (err) {
        await deleteBaseImage(db, row.org, row.name); // nothing accepted, nothing kept
        throw unavailable(logger, `${BASE_IMAGE} ${spec.name}`, err);
      }
      return c.json(toBaseImageResource(row), 201);
    })
    .get('/', async (c) => {
      const rows = await listBaseImages(db, c.get('org'), readListFilter(c, BASE_IMAGE));
      return c.json(rows.map(toBaseImageResource));
    })
    .get('/:name', async (c) => {
      const name = nameFromPath(c, BASE_IMAGE);
      const row = await findBaseImage(db, c.get('org'), name);
      if (!row) throw notFound(BASE_IMAGE, name);
      return c.json(toBaseImageResource(row));
    })
    .put('/:name', limitBody, async (c) => {
      const name = nameFromPath(c, BASE_IMAGE);
      const body = await readBody(c, `${BASE_IMAGE} ${name}`);
      // The path names the resource; a different name in the body is overridden, as the contract says.
      const spec = readSpec({ ...(body as object), name }, `${BASE_IMAGE} ${name}`);
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
      return c.json(toBaseImageResource(row));
    })
    .delete('/:name', async (c) => {
      const name = nameFromPath(c, BASE_IMAGE);
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
      return c.json({ ...toBaseImageResource(row), status: 'DELETED' as const });
    });
}
