import { OpenAPIHono } from '@hono/zod-openapi';
import { createTokenAs, deletePlatformToken, listTokens, TOKEN_ORDER } from '../db/tokens.js';
import type { AppDeps, AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { errors, jsonAnswer, jsonOrYamlBody, v1Route } from './openapi-route.js';
import { page, pageAnswer, PAGE_REFUSAL, pageQuery, pageWindow } from './paging.js';
import { PLATFORM } from './permissions.js';
import { idParams } from './resource-schema.js';
import { TAGS } from './tags.js';
import {
  createdPlatformTokenSchema,
  deletedTokenSchema,
  platformTokenBodySchema,
  platformTokenSchema,
  toTokenResource,
} from './token-model.js';

// The platform admin's own tokens: made with a platform token, listed, revoked. They act in no org; an org's
// tokens are /v1/token's. A leaked platform token is revoked here once another one exists; tokens it made stay
// (a rotation makes the new token with the old one), so revoke those too: the list shows when each was made.

const PLATFORM_TOKEN = 'platform token';
const common = { resource: PLATFORM_TOKEN, tags: [TAGS.organizations], roles: PLATFORM };
const PLATFORM_ONLY = 'The platform admin token only: every token of an org is refused (403).';

const route = {
  create: v1Route({
    ...common,
    method: 'post',
    path: '/',
    operationId: 'createPlatformToken',
    summary: 'Create a platform admin token',
    description: `${PLATFORM_ONLY} The answer holds the token itself, shown this once. It never outlives the token that made it; with expiresInDays it is refused after that many days.`,
    request: { body: jsonOrYamlBody(platformTokenBodySchema, 'The new platform admin token.') },
    responses: {
      201: jsonAnswer(createdPlatformTokenSchema, 'The new platform admin token.'),
      ...errors({ 400: true, 413: true }),
    },
  }),
  list: v1Route({
    ...common,
    method: 'get',
    path: '/',
    operationId: 'listPlatformTokens',
    summary: 'List the platform admin tokens, without their secrets',
    description: PLATFORM_ONLY,
    request: { query: pageQuery },
    responses: {
      200: pageAnswer(platformTokenSchema, 'A page of the platform admin tokens, oldest first.'),
      ...errors({ 400: PAGE_REFUSAL }),
    },
  }),
  remove: v1Route({
    ...common,
    method: 'delete',
    path: '/{id}',
    operationId: 'deletePlatformToken',
    summary: 'Revoke a platform admin token',
    description: `${PLATFORM_ONLY} The token stops working at once. Refused (409) unless another platform token stays valid for at least a day: create its successor first. Tokens this one made are not revoked with it.`,
    request: { params: idParams(PLATFORM_TOKEN, 'GET /v1/platform/token') },
    responses: {
      200: jsonAnswer(deletedTokenSchema, 'The token was deleted.'),
      ...errors({
        400: 'The id is not a UUID.',
        404: 'platform token ID not found.',
        409: 'No other platform token stays valid for at least a day.',
      }),
    },
  }),
};

export function platformTokenRoutes({ database }: AppDeps) {
  const { db } = database;
  return new OpenAPIHono<AppEnv>()
    .openapi(route.create, async (c) => {
      const { name, expiresInDays } = c.req.valid('json');
      // Tied to the caller's token, as an org admin's new token is to theirs (db/tokens.ts createTokenAs).
      const scope = { org: null, role: 'platform' } as const;
      const made = await createTokenAs(db, c.get('tokenId'), scope, name, expiresInDays);
      if (!made) throw new ApiError(401, 'invalid bearer token');
      const { token, id, createdAt, expiresAt } = made;
      return c.json(toTokenResource({ token, id, name, createdAt, expiresAt }), 201);
    })
    .openapi(route.list, async (c) => {
      const query = c.req.valid('query');
      const rows = await listTokens(db, null, pageWindow(PLATFORM_TOKEN, query, TOKEN_ORDER));
      const listed = page(c, rows, query.limit, (row) => row.cursorKey);
      return c.json(
        listed.map(({ cursorKey: _key, role: _role, ...row }) => toTokenResource(row)),
        200,
      );
    })
    .openapi(route.remove, async (c) => {
      const { id } = c.req.valid('param');
      const outcome = await deletePlatformToken(db, id);
      if (outcome === 'missing') throw new ApiError(404, `${PLATFORM_TOKEN} ${id} not found`);
      if (outcome === 'last') {
        throw new ApiError(
          409,
          `${PLATFORM_TOKEN} ${id} is the last platform token valid for at least a day: create another (POST /v1/platform/token) before deleting it`,
        );
      }
      return c.json({ id, deleted: true as const }, 200);
    });
}
