import type { Role } from '../../db/schema.js';
import { rolesAllowed } from '../permissions.js';
import type { HttpMethod, OpenApiDocument, Operation, Paths } from './types.js';

// Who may call what: the bearer scheme, and the roles of every /v1 operation taken from the rules the server
// enforces (api/permissions.ts), so the document cannot promise another access than the server grants.

export const ROLE_RULES =
  'admin: everything in its org, and alone manages tokens; developer: images (and bundles of images), rebuilds and rebuild schedules, reading base images; viewer: reading only';
const SECURITY_SCHEME = 'bearerAuth';

export const securitySchemes = (): OpenApiDocument['components']['securitySchemes'] => ({
  [SECURITY_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    description: `Authorization: Bearer <token>. The token belongs to one org and has one role: ${ROLE_RULES}. Each operation lists the roles it allows.`,
  },
});

/** Sets the security of every /v1 operation and names its roles at the end of its description. */
export function applyRoles(paths: Paths): void {
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, operation] of Object.entries(item) as [HttpMethod, Operation][]) {
      const roles: Role[] = [...rolesAllowed(method.toUpperCase(), path)];
      operation.security = [{ [SECURITY_SCHEME]: roles }];
      operation.description = [operation.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join(' ');
    }
  }
}
