import { OpenAPIHono } from '@hono/zod-openapi';
import {
  createOrganization,
  deleteOrganization,
  findOrganization,
  listOrganizations,
  ORGANIZATION_ORDER,
} from '../db/organizations.js';
import type { AppDeps, AppEnv } from './context.js';
import { alreadyExists, ApiError, notFound } from './errors.js';
import { errors, jsonAnswer, jsonOrYamlBody, v1Route } from './openapi-route.js';
import {
  createdOrganizationSchema,
  deletedOrganizationSchema,
  describeHoldings,
  ORGANIZATION,
  organizationBodySchema,
  organizationSchema,
  toOrganizationResource,
} from './organization-model.js';
import { page, pageAnswer, PAGE_REFUSAL, pageQuery, pageWindow } from './paging.js';
import { PLATFORM } from './permissions.js';
import { nameParams } from './resource-schema.js';
import { TAGS } from './tags.js';

const common = { resource: ORGANIZATION, tags: [TAGS.organizations], roles: PLATFORM };
const params = nameParams(ORGANIZATION);
const PLATFORM_ONLY = 'The platform admin token only: every token of an org is refused (403).';

const route = {
  create: v1Route({
    ...common,
    method: 'post',
    path: '/',
    operationId: 'createOrganization',
    summary: 'Open an organization, with its first admin token',
    description: `${PLATFORM_ONLY} The answer holds the first admin token of the organization, shown this once.`,
    request: { body: jsonOrYamlBody(organizationBodySchema, 'The new organization.') },
    responses: {
      201: jsonAnswer(createdOrganizationSchema, 'The new organization and its first admin token.'),
      ...errors({ 400: true, 409: 'An organization of this name already exists.', 413: true }),
    },
  }),
  list: v1Route({
    ...common,
    method: 'get',
    path: '/',
    operationId: 'listOrganizations',
    summary: 'List the organizations',
    description: PLATFORM_ONLY,
    request: { query: pageQuery },
    responses: {
      200: pageAnswer(organizationSchema, 'A page of the organizations, by name.'),
      ...errors({ 400: PAGE_REFUSAL }),
    },
  }),
  get: v1Route({
    ...common,
    method: 'get',
    path: '/{name}',
    operationId: 'getOrganization',
    summary: 'Get one organization',
    description: PLATFORM_ONLY,
    request: { params },
    responses: {
      200: jsonAnswer(organizationSchema, 'The organization.'),
      ...errors({ 400: 'The name is malformed.', 404: 'organization NAME not found.' }),
    },
  }),
  remove: v1Route({
    ...common,
    method: 'delete',
    path: '/{name}',
    operationId: 'deleteOrganization',
    summary: 'Delete an empty organization and all its tokens',
    description: `${PLATFORM_ONLY} Refused while the organization holds base images, images, rebuild schedules or running rebuilds; otherwise its tokens stop working at once and its finished rebuilds go with it.`,
    request: { params },
    responses: {
      200: jsonAnswer(deletedOrganizationSchema, 'The organization was deleted.'),
      ...errors({
        400: 'The name is malformed.',
        404: 'organization NAME not found.',
        409: 'The organization still holds resources; the message names them, with their counts.',
      }),
    },
  }),
};

/** The platform admin opens and closes organizations; it never acts inside one. */
export function organizationRoutes({ database }: AppDeps) {
  const { db } = database;
  return new OpenAPIHono<AppEnv>()
    .openapi(route.create, async (c) => {
      const { name, expiresInDays } = c.req.valid('json');
      const created = await createOrganization(db, name, expiresInDays);
      if (!created.created) {
        if (created.reason === 'exists') throw alreadyExists(ORGANIZATION, name);
        throw new ApiError(
          409,
          `${ORGANIZATION} ${name} cannot be created: ${describeHoldings(created.held)} of an earlier organization of that name remain; choose another name`,
        );
      }
      return c.json({ ...toOrganizationResource(created.organization), token: created.token }, 201);
    })
    .openapi(route.list, async (c) => {
      const query = c.req.valid('query');
      const rows = await listOrganizations(db, pageWindow(ORGANIZATION, query, ORGANIZATION_ORDER));
      return c.json(page(c, rows, query.limit, (row) => row.cursorKey).map(toOrganizationResource), 200);
    })
    .openapi(route.get, async (c) => {
      const { name } = c.req.valid('param');
      const row = await findOrganization(db, name);
      if (!row) throw notFound(ORGANIZATION, name);
      return c.json(toOrganizationResource(row), 200);
    })
    .openapi(route.remove, async (c) => {
      const { name } = c.req.valid('param');
      const deleted = await deleteOrganization(db, name);
      if (!deleted.deleted) {
        if (deleted.reason === 'missing') throw notFound(ORGANIZATION, name);
        throw new ApiError(
          409,
          `${ORGANIZATION} ${name} still holds ${describeHoldings(deleted.held)}: delete them first`,
        );
      }
      return c.json({ name, deleted: true as const, deletedTokens: deleted.tokens }, 200);
    });
}
