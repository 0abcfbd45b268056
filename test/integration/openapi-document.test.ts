import { describe, expect, it } from 'vitest';
import { EXPECTED_OPERATIONS, fetchDocument, objects, resolve, type Method } from '../helpers/openapi.js';

// The OpenAPI document as served: every path and method, self-contained, with auth, org header and errors.

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document with every path and method of the API', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    for (const [path, methods] of EXPECTED_OPERATIONS) {
      expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
    }
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op: op! })),
    );
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      expect(op.summary, where).toBeTruthy();
      expect(
        Object.keys(op.responses).some((s) => s.startsWith('2')),
        where,
      ).toBe(true);
      // Every {param} of the path is declared.
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        expect(
          op.parameters.some((p) => p.in === 'path' && p.name === name && p.required),
          where,
        ).toBe(true);
      }
    }
  });

  it('has no dangling $ref and no embedded $schema or $defs', async () => {
    const doc = await fetchDocument();
    for (const node of objects(doc)) {
      if (typeof node.$ref === 'string') expect(() => resolve(doc, node)).not.toThrow();
      expect(node).not.toHaveProperty('$schema');
      expect(node).not.toHaveProperty('$defs');
    }
  });

  it('documents bearer auth, the org header and the error shape on every /v1 operation', async () => {
    const doc = await fetchDocument();
    const scheme = doc.components.securitySchemes.bearerAuth!;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme.description).toMatch(/admin.*developer.*viewer.*platform/s);
    expect(resolve(doc, { $ref: '#/components/schemas/Error' })).toMatchObject({ required: ['code', 'message'] });

    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        if (!path.startsWith('/v1/')) {
          expect(op!.security, where).toEqual([]);
          continue;
        }
        // Every operation admits the org admin, except the organizations' and the platform tokens', which admit the
        // platform admin alone.
        const platformOnly = path.startsWith('/v1/org') || path.startsWith('/v1/platform/');
        const admitted = platformOnly ? ['platform'] : ['admin'];
        expect(op!.security, where).toEqual([{ bearerAuth: expect.arrayContaining(admitted) }]);
        const org = op!.parameters.find((p) => p.name === 'X-Dispatch-Org');
        expect(org, where).toMatchObject({ in: 'header', required: false });
        // 400 only where a request can be malformed: a body, or a name in the path (ids are simply not found).
        const malformable = op!.requestBody !== undefined || path.includes('{name}');
        const statuses = ['401', '403', ...(malformable || op!.responses['400'] ? ['400'] : [])];
        for (const status of statuses) {
          expect(op!.responses[status]?.content?.['application/json']?.schema, `${where} ${status}`).toEqual({
            $ref: '#/components/schemas/Error',
          });
        }
      }
    }
    // The roles are the ones the server enforces (api/permissions.ts).
    // The product's access rules, written out here rather than imported: the document must promise exactly these.
    const R = ['admin', 'developer', 'viewer'];
    const D = ['admin', 'developer'];
    const A = ['admin'];
    const P = ['platform'];
    const expected: Record<string, string[]> = {
      'GET /v1/baseimage': R,
      'POST /v1/baseimage': A,
      'GET /v1/baseimage/{name}': R,
      'PUT /v1/baseimage/{name}': A,
      'DELETE /v1/baseimage/{name}': A,
      'GET /v1/image': R,
      'POST /v1/image': D,
      'GET /v1/image/{name}': R,
      'PUT /v1/image/{name}': D,
      'DELETE /v1/image/{name}': D,
      'GET /v1/image/{name}/catalog': R,
      'GET /v1/image/{name}/builds': R,
      'GET /v1/image/{name}/logs': R,
      'GET /v1/image/{name}/builds/{buildId}/logs': R,
      'GET /v1/image/{name}/sbom': R,
      'GET /v1/packages': R,
      'POST /v1/bundle': D,
      'GET /v1/token': A,
      'POST /v1/token': A,
      'DELETE /v1/token/{id}': A,
      'GET /v1/org': P,
      'POST /v1/org': P,
      'GET /v1/org/{name}': P,
      'DELETE /v1/org/{name}': P,
      'GET /v1/platform/token': P,
      'POST /v1/platform/token': P,
      'DELETE /v1/platform/token/{id}': P,
      'GET /v1/rebuilds': R,
      'POST /v1/rebuilds': D,
      'GET /v1/rebuilds/{id}': R,
      'GET /v1/rebuildschedules': R,
      'POST /v1/rebuildschedules': D,
      'GET /v1/rebuildschedules/{name}': R,
      'DELETE /v1/rebuildschedules/{name}': D,
      'POST /v1/rebuildschedules/{name}/pause': D,
      'POST /v1/rebuildschedules/{name}/unpause': D,
      'POST /v1/rebuildschedules/{name}/trigger': D,
    };
    const documented = Object.fromEntries(
      Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/v1/'))
        .flatMap(([path, item]) =>
          Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op!.security[0]!.bearerAuth]),
        ),
    );
    expect(documented).toEqual(expected);
    // That the server enforces exactly these roles is asserted against real requests in roles.test.ts.

    const codes = (path: string, method: Method) => Object.keys(doc.paths[path]![method]!.responses);
    expect(codes('/v1/baseimage', 'post')).toEqual(expect.arrayContaining(['201', '409', '413', '503']));
    expect(codes('/v1/baseimage/{name}', 'get')).toContain('404');
    expect(codes('/v1/baseimage/{name}', 'put')).toEqual(expect.arrayContaining(['404', '413', '503']));
    expect(codes('/v1/baseimage/{name}', 'delete')).toEqual(expect.arrayContaining(['404', '409']));
    expect(codes('/v1/image', 'post')).toEqual(expect.arrayContaining(['201', '409', '413', '503']));
    expect(codes('/v1/token', 'post')).toEqual(expect.arrayContaining(['201', '400', '413']));
    expect(codes('/v1/token/{id}', 'delete')).toContain('404');
    expect(codes('/v1/rebuilds', 'post')).toEqual(expect.arrayContaining(['200', '202', '400', '413', '503']));
    expect(codes('/v1/rebuilds/{id}', 'get')).toContain('404');
    expect(codes('/v1/rebuildschedules', 'post')).toEqual(expect.arrayContaining(['201', '409', '413', '503']));
    for (const action of ['pause', 'unpause', 'trigger']) {
      expect(codes(`/v1/rebuildschedules/{name}/${action}`, 'post')).toEqual(expect.arrayContaining(['200', '404']));
    }
  });
});
