import type { NotFoundHandler } from 'hono';
import type { OpenAPIObject } from 'openapi3-ts/oas31';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What an unrouted request gets: 405 with `Allow` when its path exists with other methods (read from the
 * document the routes produced, so it cannot disagree with them), 404 otherwise.
 */
export function methodNotAllowed(document: OpenAPIObject): NotFoundHandler {
  const known = Object.entries(document.paths ?? {}).map(([path, item]) => ({
    pattern: new RegExp(`^${escapeRegExp(path).replace(/\\\{[^}]+\\\}/g, '[^/]+')}$`),
    methods: METHODS.filter((m) => item[m]).map((m) => m.toUpperCase()),
  }));
  return (c) => {
    const allowed = known.find(({ pattern }) => pattern.test(c.req.path))?.methods;
    if (!allowed) {
      const what = c.req.path.startsWith('/v1/')
        ? 'resource does not exist'
        : `no route for ${c.req.method} ${c.req.path}`;
      return c.json({ code: 404, message: what }, 404);
    }
    const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
    c.header('Allow', allow);
    return c.json({ code: 405, message: `${c.req.method} is not allowed on ${c.req.path} (allowed: ${allow})` }, 405);
  };
}
