import type { Client } from '@temporalio/client';
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config.js';
import type { DbHandle } from '../db/client.js';
import type { Role } from '../db/schema.js';
import { findPrincipal } from '../db/tokens.js';
import type { Logger } from '../logger.js';
import type { WorkflowStarter } from '../client/workflow-starts.js';
import { ApiError } from './errors.js';
import { refusalHint } from './permissions.js';

export type AppDeps = {
  config: Pick<Config, 'languages' | 'SCHEDULE_MIN_INTERVAL_MINUTES' | 'BUNDLE_MAX_DOCUMENTS'>;
  database: DbHandle;
  temporal: Client;
  starter: WorkflowStarter;
  logger: Logger;
};

/**
 * What authentication found. `org` is unset for the platform token, which belongs to no org: no route that reads
 * the org admits the platform role (api/permissions.ts), so no handler ever reads it unset.
 */
export type AppEnv = {
  Variables: {
    org: string;
    role: Role;
    resource?: string;
    /** The token's row id: a token it creates is tied to it (db/tokens.ts createTokenAs). */
    tokenId: string;
    /** Checks the token again; 401 if it was deleted or expired since (see stillAuthorizedAfterBody). */
    recheckToken: () => Promise<void>;
  };
};

export const ORG_HEADER = 'X-Dispatch-Org';
const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Every /v1 request carries a bearer token; the token names the org and the role. X-Dispatch-Org may repeat the
 * org but never select another one, so no request reads or writes across orgs. Which roles may call a route is
 * declared by the route (api/openapi-route.ts) and checked by `requireRole`.
 */
export function authenticate({ database }: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = BEARER.exec(c.req.header('Authorization') ?? '')?.[1];
    if (!token) throw new ApiError(401, 'missing bearer token: send the header Authorization: Bearer <token>');
    const principal = await findPrincipal(database.db, token);
    if (!principal) throw new ApiError(401, 'invalid bearer token');
    if (principal.expired) throw new ApiError(401, 'token expired');
    c.set('role', principal.role);
    c.set('tokenId', principal.tokenId);
    c.set('recheckToken', async () => {
      const again = await findPrincipal(database.db, token);
      if (again?.tokenId !== principal.tokenId) throw new ApiError(401, 'invalid bearer token');
      if (again.expired) throw new ApiError(401, 'token expired');
    });
    // The platform token acts in no org, so an org header has nothing to select or refuse.
    if (principal.org === null) return next();
    const requested = c.req.header(ORG_HEADER);
    if (requested && requested !== principal.org) {
      throw new ApiError(403, `this token belongs to org ${principal.org}; it cannot act on org ${requested}`);
    }
    c.set('org', principal.org);
    await next();
  });
}

/**
 * A body may take minutes to arrive (a slow client); the token was checked before it started. Checked again once the
 * body is in, so a token deleted, expired or whose org was closed meanwhile changes nothing.
 */
export const stillAuthorizedAfterBody = createMiddleware<AppEnv>(async (c, next) => {
  await c.req.arrayBuffer(); // read (and cached for the handler) before the check, whatever the route parses
  await c.get('recheckToken')();
  await next();
});

/** 403 unless the token's role is one of `roles`; also names the resource for the messages of later steps. */
export function requireRole(roles: readonly Role[], resource: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const role = c.get('role');
    if (!roles.includes(role)) {
      const refusal = `role ${role} may not ${c.req.method} ${c.req.path} (allowed: ${roles.join(', ')})`;
      throw new ApiError(403, `${refusal}${refusalHint(role, roles)}`);
    }
    c.set('resource', resource);
    await next();
  });
}
