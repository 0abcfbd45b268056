import { OpenAPIHono } from '@hono/zod-openapi';
import { createTokenAs, deleteToken, listTokens, TOKEN_ORDER } from '../db/tokens.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { errors, jsonAnswer, jsonOrYamlBody, v1Route } from './openapi-route.js';
import { page, pageAnswer, PAGE_REFUSAL, pageQuery, pageWindow } from './paging.js';
import { ADMINS } from './permissions.js';
import { idParams } from './resource-schema.js';
import { TAGS } from './tags.js';
import {
  createdTokenSchema,
  deletedTokenSchema,
  tokenBodySchema,
  tokenSchema,
  toTokenResource,
} from './token-model.js';

const common = { resource: 'token', tags: [TAGS.tokens], roles: ADMINS };

const route = {
  create: v1Route({
    ...common,
    method: 'post',
    path: '/',
    operationId: 'createToken',
    summary: 'Create a token for the org',
    description:
      'The answer holds the token itself, shown this once. With expiresInDays the token is refused after that many days.',
    request: { body: jsonOrYamlBody(tokenBodySchema, 'The new token.') },
    responses: { 201: jsonAnswer(createdTokenSchema, 'The new token.'), ...errors({ 400: true, 413: true }) },
  }),
  list: v1Route({
    ...common,
    method: 'get',
    path: '/',
    operationId: 'listTokens',
    summary: 'List the tokens of the org, without their secrets',
    request: { query: pageQuery },
    responses: {
      200: pageAnswer(tokenSchema, 'A page of the tokens, oldest first.'),
      ...errors({ 400: PAGE_REFUSAL }),
    },
  }),
  remove: v1Route({
    ...common,
    method: 'delete',
    path: '/{id}',
    operationId: 'deleteToken',
    summary: 'Delete a token',
    description: 'The token stops working at once.',
    request: { params: idParams('token', 'GET /v1/token') },
    responses: {
      200: jsonAnswer(deletedTokenSchema, 'The token was deleted.'),
      ...errors({ 400: 'The id is not a UUID.', 404: 'token ID not found.' }),
    },
  }),
};

/** Administrators hand out tokens for their org; a token is shown once, when created. */
export function tokenRoutes({ database }: AppDeps) {
  const { db } = database;
  return new OpenAPIHono<AppEnv>()
    .openapi(route.create, async (c) => {
      const body = c.req.valid('json');
      const org = c.get('org');
      // Tied to the caller's token: refused if it went away while the request was in flight, and capped at its
      // expiry, so a short-lived admin token cannot mint a longer-lived one.
      // (If the org's deletion got there first, its foreign key refuses the token: a 401, see api/errors.ts.)
      const scope = { org, role: body.role };
      const made = await createTokenAs(db, c.get('tokenId'), scope, body.name, body.expiresInDays);
      if (!made) throw new ApiError(401, 'invalid bearer token');
      return c.json(toTokenResource(made), 201);
    })
    .openapi(route.list, async (c) => {
      const query = c.req.valid('query');
      const rows = await listTokens(db, c.get('org'), pageWindow('token', query, TOKEN_ORDER));
      const listed = page(c, rows, query.limit, (row) => row.cursorKey);
      return c.json(
        listed.map(({ cursorKey: _key, ...row }) => toTokenResource(row)),
        200,
      );
    })
    .openapi(route.remove, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteToken(db, c.get('org'), id))) throw new ApiError(404, `token ${id} not found`);
      return c.json({ id, deleted: true as const }, 200);
    });
}
