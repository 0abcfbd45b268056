import type { Role } from '../db/schema.js';

// Who may do what. Each route declares one of these sets (api/openapi-route.ts), which is both what the server
// enforces and what /openapi.json says. Reading is open to every role of the org; base images are the
// administrators' catalogue; images, bundles, rebuilds and their schedules are the developers' own; tokens are
// administration. Organizations are the platform's alone, and the platform acts inside no org: its token is the
// operator's, org admins are customers, and neither reaches the other's side.

export const READERS: readonly Role[] = ['admin', 'developer', 'viewer'];
export const DEVELOPERS: readonly Role[] = ['admin', 'developer'];
export const ADMINS: readonly Role[] = ['admin'];
export const PLATFORM: readonly Role[] = ['platform'];

export const ROLE_RULES =
  'admin: everything in its org, and alone manages tokens; developer: images (and bundles of images), rebuilds and rebuild schedules, reading base images; viewer: reading only; platform (the operator, a token of no org): creating, listing and deleting organizations and platform tokens, and nothing inside an org';

/** Appended to a 403 that crosses the line between the platform and the orgs, saying which token would do. */
export function refusalHint(role: Role, allowed: readonly Role[]): string {
  if (role === 'platform')
    return ': the platform admin token manages organizations and platform tokens only; use a token of the org';
  if (allowed.includes('platform'))
    return ': organizations and platform tokens are managed with the platform admin token only';
  return '';
}

/** What a bundle document of `kind` needs beyond being allowed to post bundles at all. */
export function mayWriteKind(role: Role, kind: 'BaseImage' | 'Image'): boolean {
  return role === 'admin' || (role === 'developer' && kind === 'Image');
}
