import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../db/schema.js';
import { createToken, deleteToken, listTokens } from '../db/tokens.js';
import { limitBody, readBody } from './body.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { unixSeconds, isUuid } from './resource-schema.js';
import { parseBody } from './route-helpers.js';

export const tokenBodySchema = z.strictObject({
  name: z.string({ error: 'is required' }).min(1, 'must not be empty').max(128),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
});

/** Administrators hand out tokens for their org; a token is shown once, when created. */
export function tokenRoutes({ database }: AppDeps) {
  const { db } = database;
  return new Hono<AppEnv>()
    .post('/', limitBody, async (c) => {
      const body = parseBody(tokenBodySchema, await readBody(c, 'token'), 'token');
      const { createdAt, ...created } = await createToken(db, c.get('org'), body.role, body.name);
      return c.json({ ...created, createdTime: unixSeconds(createdAt) }, 201);
    })
    .get('/', async (c) => {
      const rows = await listTokens(db, c.get('org'));
      return c.json(rows.map(({ createdAt, ...row }) => ({ ...row, createdTime: unixSeconds(createdAt) })));
    })
    .delete('/:id', async (c) => {
      const id = c.req.param('id');
      if (!isUuid(id) || !(await deleteToken(db, c.get('org'), id))) {
        throw new ApiError(404, `token ${id} not found`);
      }
      return c.json({ id, deleted: true });
    });
}
