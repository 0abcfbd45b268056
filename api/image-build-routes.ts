import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import { streamText } from 'hono/streaming';
import { BUILD_ORDER, findBuild, listBuilds, readBuildLog, readCatalog } from '../db/builds.js';
import { findImage } from '../db/images.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError, notFound } from './errors.js';
import { buildSchema, catalogSchema, IMAGE, toBuildResource } from './image-model.js';
import { errors, jsonAnswer, v1Route } from './openapi-route.js';
import { page, pageAnswer, pageQuery, pageWindow } from './paging.js';
import { READERS } from './permissions.js';
import { nameParams, nameSchema } from './resource-schema.js';
import { TAGS } from './tags.js';

const FOLLOW_POLL_MS = 500;

const common = { resource: IMAGE, tags: [TAGS.builds], roles: READERS, method: 'get' as const };
const params = nameParams(IMAGE);
const buildParams = z.object({
  name: params.shape.name,
  buildId: z.uuid({ error: 'must be a UUID' }).openapi({
    param: { name: 'buildId', in: 'path' },
    description: 'The id of one build, as listed by /v1/image/{name}/builds.',
  }),
});
const followQuery = z.object({
  follow: z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).optional().openapi({
    description: 'true (or 1): keep the response open and stream the log as it grows until the build ends.',
  }),
});
const logAnswer = {
  description: 'The build output as plain text (streamed while following).',
  content: { 'text/plain': { schema: z.string() } },
};

const route = {
  catalog: v1Route({
    ...common,
    path: '/{name}/catalog',
    operationId: 'getImageCatalog',
    summary: 'What is really installed in the built image',
    request: { params },
    responses: {
      200: jsonAnswer(catalogSchema, 'The catalog of the current build.'),
      ...errors({
        400: 'The name is malformed.',
        404: 'The image does not exist, or has not been built successfully yet.',
      }),
    },
  }),
  builds: v1Route({
    ...common,
    path: '/{name}/builds',
    operationId: 'listImageBuilds',
    summary: 'The build history of an image, newest first',
    description: '`?limit=1` answers the latest build alone.',
    request: { params, query: pageQuery },
    responses: {
      200: pageAnswer(buildSchema, 'A page of the builds, newest first.'),
      ...errors({ 400: 'The name, the limit or the cursor is malformed.', 404: 'image NAME not found.' }),
    },
  }),
  buildLog: v1Route({
    ...common,
    path: '/{name}/builds/{buildId}/logs',
    operationId: 'getBuildLog',
    summary: 'The log of one build of an image',
    request: { params: buildParams, query: followQuery },
    responses: {
      200: logAnswer,
      ...errors({ 400: 'The name or the build id is malformed.', 404: 'The image or the build does not exist.' }),
    },
  }),
  latestLog: v1Route({
    ...common,
    path: '/{name}/logs',
    operationId: 'getImageLog',
    summary: 'The log of the latest build of an image',
    request: { params, query: followQuery },
    responses: {
      200: logAnswer,
      ...errors({ 400: 'The name is malformed.', 404: 'The image does not exist or has no builds yet.' }),
    },
  }),
};

/** Catalog, build history and build logs of an image. */
export function imageBuildRoutes({ database }: AppDeps) {
  const { db } = database;

  async function imageOf(c: Context<AppEnv>, name: z.infer<typeof nameSchema>) {
    const row = await findImage(db, c.get('org'), name);
    if (!row) throw notFound(IMAGE, name);
    return row;
  }

  /** The whole log, or when following the log as it grows until the build ends. */
  function serveLog(c: Context<AppEnv>, imageId: string, buildId: string, follow: boolean) {
    const streamed = streamText(c, async (stream) => {
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
      if (!after && !follow) await stream.write(`(no output recorded for build ${buildId})\n`);
    });
    // A stream is a plain Response to Hono's types; it is the text/plain answer the routes declare.
    return streamed as Response & TypedResponse<string, 200, 'text'>;
  }
  const following = (value: string | undefined) => value === 'true' || value === '1';

  return new OpenAPIHono<AppEnv>()
    .openapi(route.catalog, async (c) => {
      const image = await imageOf(c, c.req.valid('param').name);
      if (!image.currentBuildId) {
        throw new ApiError(
          404,
          `image ${image.name} has no catalog yet: it has not been built successfully (status ${image.status})`,
        );
      }
      const packages = await readCatalog(db, image.currentBuildId);
      return c.json({ image: image.name, buildId: image.currentBuildId, packages }, 200);
    })
    .openapi(route.builds, async (c) => {
      const image = await imageOf(c, c.req.valid('param').name);
      const query = c.req.valid('query');
      const rows = await listBuilds(db, image.id, pageWindow(`${IMAGE} ${image.name} build`, query, BUILD_ORDER));
      return c.json(page(c, rows, query.limit, (row) => row.cursorKey).map(toBuildResource), 200);
    })
    .openapi(route.buildLog, async (c) => {
      const { name, buildId } = c.req.valid('param');
      const image = await imageOf(c, name);
      if (!(await findBuild(db, image.id, buildId))) {
        throw new ApiError(404, `build ${buildId} of image ${image.name} not found`);
      }
      return serveLog(c, image.id, buildId, following(c.req.valid('query').follow));
    })
    .openapi(route.latestLog, async (c) => {
      const image = await imageOf(c, c.req.valid('param').name);
      const [latest] = await listBuilds(db, image.id, { limit: 1 });
      if (!latest) throw new ApiError(404, `image ${image.name} has no builds yet`);
      return serveLog(c, image.id, latest.id, following(c.req.valid('query').follow));
    });
}
