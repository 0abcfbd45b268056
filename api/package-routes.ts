import { OpenAPIHono, z } from '@hono/zod-openapi';
import { findHoldings, HOLDING_ORDER, holdingKey } from '../db/packages.js';
import type { AppDeps, AppEnv } from './context.js';
import { errors, jsonAnswer, v1Route } from './openapi-route.js';
import { PACKAGES, packageHoldingSchema, packageQuerySchema } from './package-model.js';
import { decodeCursor, linkHeader, page } from './paging.js';
import { READERS } from './permissions.js';
import { TAGS } from './tags.js';

const route = {
  query: v1Route({
    resource: PACKAGES,
    tags: [TAGS.packages],
    method: 'get',
    path: '/',
    operationId: 'findPackages',
    summary: "Which images hold a package, fleet-wide (the org's images, their current builds)",
    description:
      'One answer per image and ecosystem whose current build\'s catalog lists the package, by image name then ecosystem, paged with ?limit and ?cursor (Link: rel="next").',
    roles: READERS,
    request: { query: packageQuerySchema },
    responses: {
      200: {
        ...jsonAnswer(z.array(packageHoldingSchema), 'One page of the images holding the package ([] for none).'),
        headers: linkHeader,
      },
      ...errors({ 400: 'The name, ecosystem, version range, limit or cursor is malformed.' }),
    },
  }),
};

/** GET /v1/packages: the images of the org whose current build holds a package, in a version range or not. */
export function packageRoutes({ database }: AppDeps) {
  const { db } = database;
  return new OpenAPIHono<AppEnv>().openapi(route.query, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    const after = cursor === undefined ? undefined : decodeCursor(PACKAGES, cursor, HOLDING_ORDER.length);
    const rows = await findHoldings(db, c.get('org'), filter, { after, limit: limit + 1 });
    const items = page(c, rows, limit, holdingKey);
    return c.json(
      items.map(({ image, buildId, ecosystem, name, version }) => ({ image, buildId, ecosystem, name, version })),
      200,
    );
  });
}
