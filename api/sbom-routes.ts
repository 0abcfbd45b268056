import { OpenAPIHono, z } from '@hono/zod-openapi';
import { findBuild, readCatalog } from '../db/builds.js';
import { findImage } from '../db/images.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError, notFound } from './errors.js';
import { IMAGE } from './image-model.js';
import { errors, v1Route } from './openapi-route.js';
import { READERS } from './permissions.js';
import { nameParams } from './resource-schema.js';
import { buildSbom, SBOM_MEDIA_TYPE, SBOM_SPEC } from './sbom.js';
import { TAGS } from './tags.js';

const route = v1Route({
  resource: IMAGE,
  tags: [TAGS.packages],
  roles: READERS,
  method: 'get',
  path: '/{name}/sbom',
  operationId: 'getImageSbom',
  summary: 'The SBOM of an image: its current build as a CycloneDX document',
  description: `CycloneDX ${SBOM_SPEC.version} JSON (${SBOM_MEDIA_TYPE}): the image as metadata.component (type container, its repository, its digest as version and an OCI purl), one component with a purl per package of the current build's catalog, the build's end as metadata.timestamp and urn:uuid:BUILD_ID as serial number.`,
  request: { params: nameParams(IMAGE) },
  responses: {
    200: {
      description: `A CycloneDX ${SBOM_SPEC.version} BOM.`,
      content: {
        [SBOM_MEDIA_TYPE]: {
          schema: z
            .object({ bomFormat: z.literal('CycloneDX'), specVersion: z.literal(SBOM_SPEC.version) })
            .catchall(z.unknown())
            .openapi({ description: `As the CycloneDX ${SBOM_SPEC.version} JSON schema describes it` }),
        },
      },
    },
    ...errors({
      400: 'The name is malformed.',
      404: 'The image does not exist, or has not been built successfully yet.',
    }),
  },
});

/** GET /v1/image/{name}/sbom. */
export function sbomRoutes({ database }: AppDeps) {
  const { db } = database;
  return new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
    const name = c.req.valid('param').name;
    const image = await findImage(db, c.get('org'), name);
    if (!image) throw notFound(IMAGE, name);
    const build = image.currentBuildId ? await findBuild(db, image.id, image.currentBuildId) : undefined;
    if (!build?.dockerUrl || !build.digest || !build.finishedAt) {
      throw new ApiError(
        404,
        `image ${image.name} has no SBOM yet: it has not been built successfully (status ${image.status})`,
      );
    }
    const sbom = buildSbom(
      { dockerUrl: build.dockerUrl, digest: build.digest, buildId: build.id, finishedAt: build.finishedAt },
      await readCatalog(db, build.id),
    );
    return c.body(sbom, 200, { 'Content-Type': SBOM_MEDIA_TYPE });
  });
}
