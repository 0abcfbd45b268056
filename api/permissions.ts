import type { Role } from '../db/schema.js';

/**
 * Who may do what, in one place. Reading is open to every role of the org; base images are the administrators'
 * catalogue; images are the developers' own; tokens are administration.
 */
export function rolesAllowed(method: string, path: string): readonly Role[] {
  const reading = method === 'GET' || method === 'HEAD';
  if (path.startsWith('/v1/token')) return ['admin'];
  if (reading) return ['admin', 'developer', 'viewer'];
  if (['/v1/image', '/v1/bundle', '/v1/rebuild'].some((p) => path.startsWith(p))) return ['admin', 'developer'];
  return ['admin'];
}

/** What a bundle document of `kind` needs beyond being allowed to post bundles at all. */
export function mayWriteKind(role: Role, kind: 'BaseImage' | 'Image'): boolean {
  return role === 'admin' || (role === 'developer' && kind === 'Image');
}
