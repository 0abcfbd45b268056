import { OpenAPIHono, z } from '@hono/zod-openapi';
import { findHoldings, HOLDING_ORDER, holdingKey } from '../db/packages.js';
import type { AppDeps, AppEnv } from './context.js';
import { errors, jsonAnswer, v1Route } from './openapi-route.js';
import { PACKAGES, packageHoldingSchema, packageQuerySchema } from './package-model.js';
import { decodeCursor, linkHeader, linkNext, page } from './paging.js';
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
      'One answer per image and ecosystem whose current build\'s catalog lists the package, by image name then ecosystem, paged with ?limit and ?cursor (Link: rel="next"). With a version range a page may hold fewer items than the limit and still carry a Link (each request compares at most 4,000 catalog rows): follow the Link until there is none.',
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

/** Catalog rows one request compares with a version range at most (bounded CPU per request, whatever the range). */
const MAX_SCANNED = 4000;

/** GET /v1/packages: the images of the org whose current build holds a package, in a version range or not. */
export function packageRoutes({ database }: AppDeps) {
  const { db } = database;
  return new OpenAPIHono<AppEnv>().openapi(route.query, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    const after = cursor === undefined ? undefined : decodeCursor(PACKAGES, cursor, HOLDING_ORDER.length);
    const found = await findHoldings(db, c.get('org'), filter, { after, limit: limit + 1, maxScanned: MAX_SCANNED });
    // A page cut short by the scan bound still names the next one: fewer items than asked is not the end.
    if (found.resumeAfter) linkNext(c, found.resumeAfter);
    const items = page(c, found.holdings, limit, holdingKey);
    return c.json(
      items.map(({ image, buildId, ecosystem, name, version }) => ({ image, buildId, ecosystem, name, version })),
      200,
    );
  });
}
