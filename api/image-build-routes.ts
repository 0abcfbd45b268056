import { Hono, type Context } from 'hono';
import { streamText } from 'hono/streaming';
import { findBuild, listBuilds, readBuildLog, readCatalog } from '../db/builds.js';
import { findImage } from '../db/images.js';
import type { AppDeps, AppEnv } from './context.js';
import { isUuid } from './resource-schema.js';
import { ApiError, notFound } from './errors.js';
import { IMAGE, toBuildResource } from './image-model.js';
import { nameFromPath } from './route-helpers.js';

const FOLLOW_POLL_MS = 500;

/** Catalog, build history and build logs of an image. */
export function imageBuildRoutes({ database }: AppDeps) {
  const { db } = database;

  async function imageOf(c: Context<AppEnv>) {
    const name = nameFromPath(c, IMAGE);
    const row = await findImage(db, c.get('org'), name);
    if (!row) throw notFound(IMAGE, name);
    return row;
  }

  /** The whole log, or with ?follow=true the log as it grows until the build ends. */
  async function serveLog(c: Context<AppEnv>, buildId: string, label: string) {
    const follow = c.req.query('follow') === 'true' || c.req.query('follow') === '1';
    const imageId = (await imageOf(c)).id;
    return streamText(c, async (stream) => {
      let after = 0;
      let aborted = false;
      stream.onAbort(() => {
        aborted = true;
      });
      const drain = async () => {
        for (
          let chunks = await readBuildLog(db, buildId, after);
          chunks.length;
          chunks = await readBuildLog(db, buildId, after)
        ) {
          for (const chunk of chunks) await stream.write(chunk.text);
          after = chunks.at(-1)?.seq ?? after;
        }
      };
      await drain();
      while (follow && !aborted && (await findBuild(db, imageId, buildId))?.outcome === 'RUNNING') {
        await stream.sleep(FOLLOW_POLL_MS);
        await drain();
      }
      // Output written between the last read and the build's end would be missed without one more read.
      if (follow) await drain();
      if (!after && !follow) await stream.write(`(no output recorded for ${label})\n`);
    });
  }

  return new Hono<AppEnv>()
    .get('/:name/catalog', async (c) => {
      const image = await imageOf(c);
      if (!image.currentBuildId) {
        throw new ApiError(
          404,
          `image ${image.name} has no catalog yet: it has not been built successfully (status ${image.status})`,
        );
      }
      return c.json({
        image: image.name,
        buildId: image.currentBuildId,
        packages: await readCatalog(db, image.currentBuildId),
      });
    })
    .get('/:name/builds', async (c) => {
      const image = await imageOf(c);
      return c.json((await listBuilds(db, image.id)).map(toBuildResource));
    })
    .get('/:name/builds/:buildId/logs', async (c) => {
      const image = await imageOf(c);
      const buildId = c.req.param('buildId');
      if (!isUuid(buildId) || !(await findBuild(db, image.id, buildId))) {
        throw new ApiError(404, `build ${buildId} of image ${image.name} not found`);
      }
      return serveLog(c, buildId, `build ${buildId}`);
    })
    .get('/:name/logs', async (c) => {
      const image = await imageOf(c);
      const [latest] = await listBuilds(db, image.id);
      if (!latest) throw new ApiError(404, `image ${image.name} has no builds yet`);
      return serveLog(c, latest.id, `build ${latest.id}`);
    });
}
