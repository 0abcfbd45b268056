import type { Role } from '../db/schema.js';

// Who may do what. Each route declares one of these sets (api/openapi-route.ts), which is both what the server
// enforces and what /openapi.json says. Reading is open to every role of the org; base images are the
// administrators' catalogue; images, bundles, rebuilds and their schedules are the developers' own; tokens are
// administration.

export const READERS: readonly Role[] = ['admin', 'developer', 'viewer'];
export const DEVELOPERS: readonly Role[] = ['admin', 'developer'];
export const ADMINS: readonly Role[] = ['admin'];

export const ROLE_RULES =
  'admin: everything in its org, and alone manages tokens; developer: images (and bundles of images), rebuilds and rebuild schedules, reading base images; viewer: reading only';

/** What a bundle document of `kind` needs beyond being allowed to post bundles at all. */
export function mayWriteKind(role: Role, kind: 'BaseImage' | 'Image'): boolean {
  return role === 'admin' || (role === 'developer' && kind === 'Image');
}
