import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { toBaseImageResource } from '../../api/base-image-model.js';
import { toBuildResource, toImageResource } from '../../api/image-model.js';
import { toRebuildResource, toScheduleResource } from '../../api/rebuild-model.js';
import { openApiDocument, openApiRoutes, type OpenApiDocument } from '../../api/openapi.js';
import { escapeHtml, openApiPage } from '../../api/openapi-page.js';
import { rolesAllowed } from '../../api/permissions.js';
import {
  baseImageSchema,
  buildSchema,
  bundleResponseSchema,
  catalogSchema,
  createdTokenSchema,
  deletedScheduleSchema,
  deletedTokenSchema,
  errorSchema,
  imageSchema,
  rebuildDetailSchema,
  rebuildPlanSchema,
  rebuildSchema,
  rebuildStartedSchema,
  scheduleSchema,
  tokenSchema,
} from '../../api/response-schemas.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../db/package-rules.js';
import type {
  BaseImageRow,
  BuildRow,
  ImageRow,
  RebuildItemRow,
  RebuildRow,
  RebuildScheduleRow,
} from '../../db/schema.js';
import type { describeSchedule } from '../../workflows/rebuild-client.js';

// The OpenAPI document and the reference page, served by a Hono app holding only these routes (no auth, no
// database), and the response schemas checked against what the mappers really produce.

const LANGUAGES = ['python3', 'nodejs'];

const EXPECTED_OPERATIONS: [string, string[]][] = [
  ['/healthz', ['get']],
  ['/v1/baseimage', ['get', 'post']],
  ['/v1/baseimage/{name}', ['get', 'put', 'delete']],
  ['/v1/image', ['get', 'post']],
  ['/v1/image/{name}', ['get', 'put', 'delete']],
  ['/v1/image/{name}/catalog', ['get']],
  ['/v1/image/{name}/builds', ['get']],
  ['/v1/image/{name}/logs', ['get']],
  ['/v1/image/{name}/builds/{buildId}/logs', ['get']],
  ['/v1/bundle', ['post']],
  ['/v1/token', ['get', 'post']],
  ['/v1/token/{id}', ['delete']],
  ['/v1/rebuilds', ['get', 'post']],
  ['/v1/rebuilds/{id}', ['get']],
  ['/v1/rebuildschedules', ['get', 'post']],
  ['/v1/rebuildschedules/{name}', ['get', 'delete']],
  ['/v1/rebuildschedules/{name}/pause', ['post']],
  ['/v1/rebuildschedules/{name}/unpause', ['post']],
  ['/v1/rebuildschedules/{name}/trigger', ['post']],
];

type Json = Record<string, unknown>;

function app() {
  const app = new Hono();
  app.route('/', openApiRoutes(LANGUAGES));
  return app;
}

async function fetchDocument(): Promise<OpenApiDocument> {
  const res = await app().request('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as OpenApiDocument;
}

/** Every object inside `value`, depth first. */
function* objects(value: unknown): Generator<Json> {
  if (Array.isArray(value)) for (const item of value) yield* objects(item);
  else if (value && typeof value === 'object') {
    yield value as Json;
    for (const child of Object.values(value)) yield* objects(child);
  }
}

function resolve(doc: OpenApiDocument, schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`unresolved ${ref}`);
  return target as Json;
}

const requestSchema = (doc: OpenApiDocument, path: string, method: 'post' | 'put', type = 'application/json') =>
  resolve(doc, doc.paths[path]![method]!.requestBody!.content[type]!.schema as Json);

type Method = 'get' | 'post' | 'put' | 'delete';
const responseSchema = (doc: OpenApiDocument, path: string, method: Method, status: string) =>
  doc.paths[path]![method]!.responses[status]!.content!['application/json']!.schema as Json;

const prop = (schema: Json, ...path: string[]): Json =>
  path.reduce((at, key) => (at.properties as Record<string, Json>)[key]!, schema);

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
    expect(scheme.description).toMatch(/admin.*developer.*viewer/s);
    expect(resolve(doc, { $ref: '#/components/schemas/Error' })).toMatchObject({ required: ['code', 'message'] });

    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        if (!path.startsWith('/v1/')) {
          expect(op!.security, where).toEqual([]);
          continue;
        }
        expect(op!.security, where).toEqual([{ bearerAuth: expect.arrayContaining(['admin']) }]);
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
    const roles = (path: string, method: Method) => doc.paths[path]![method]!.security[0]!.bearerAuth;
    expect(roles('/v1/baseimage', 'get')).toEqual(['admin', 'developer', 'viewer']);
    expect(roles('/v1/baseimage/{name}', 'put')).toEqual(['admin']);
    expect(roles('/v1/image/{name}', 'delete')).toEqual(['admin', 'developer']);
    expect(roles('/v1/bundle', 'post')).toEqual(['admin', 'developer']);
    for (const method of ['get', 'post'] as const) expect(roles('/v1/token', method)).toEqual(['admin']);
    expect(roles('/v1/token/{id}', 'delete')).toEqual(['admin']);
    expect(roles('/v1/rebuilds', 'get')).toEqual(['admin', 'developer', 'viewer']);
    expect(roles('/v1/rebuilds', 'post')).toEqual(['admin', 'developer']);
    expect(roles('/v1/rebuildschedules/{name}', 'delete')).toEqual(['admin', 'developer']);
    expect(roles('/v1/rebuildschedules/{name}/trigger', 'post')).toEqual(['admin', 'developer']);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (path.startsWith('/v1/'))
          expect(op!.security[0]!.bearerAuth).toEqual(rolesAllowed(method.toUpperCase(), path));
      }
    }

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

  it('takes the POST /v1/baseimage body from the route schema: required fields, languages, refinements', async () => {
    const doc = await fetchDocument();
    for (const type of ['application/json', 'application/yaml']) {
      const schema = requestSchema(doc, '/v1/baseimage', 'post', type);
      expect(schema.type).toBe('object');
      expect(schema.required).toEqual(expect.arrayContaining(['name', 'dockerUrl', 'language']));
      expect(schema.additionalProperties).toBe(false);
      const language = prop(schema, 'language');
      expect(language.enum ?? language.description).toBeTruthy();
      expect(language.enum).toEqual(LANGUAGES);
      expect(language.description).toContain('python3, nodejs');
      // A refinement has no JSON Schema form: its rule is described instead.
      expect(prop(schema, 'dockerUrl').description).toMatch(/Docker image reference/);
      expect(prop(schema, 'tags')).toMatchObject({ type: 'array', default: [] });
      // Server-set fields are accepted and ignored.
      expect(prop(schema, 'status')).toMatchObject({ readOnly: true });
    }
    // PUT takes the name from the path.
    const put = requestSchema(doc, '/v1/baseimage/{name}', 'put');
    expect(put.required).toEqual(expect.arrayContaining(['dockerUrl', 'language']));
    expect(put.required).not.toContain('name');
  });

  it('takes the image body from the route schema, with the package rules of db/package-rules.ts', async () => {
    const doc = await fetchDocument();
    const schema = requestSchema(doc, '/v1/image', 'post');
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'baseImageName']));
    expect(schema.required).not.toContain('runtimeDependencies');
    const packages = prop(schema, 'systemDependencies', 'packages');
    const array = (packages.anyOf as Json[]).find((s) => s.type === 'array')!;
    const item = array.items as Json;
    expect(prop(item, 'name').pattern).toBe(PACKAGE_NAME.source);
    expect(prop(item, 'version').pattern).toBe(PACKAGE_VERSION.source);
    expect(item.required).toEqual(['name']);
    expect(prop(schema, 'runtimeDependencies', 'manifest')).toMatchObject({ type: 'string', default: '' });
    expect(prop(schema, 'dockerUrl')).toMatchObject({ readOnly: true });
  });

  it('takes the token, rebuild and rebuild schedule bodies from the route schemas', async () => {
    const doc = await fetchDocument();
    for (const type of ['application/json', 'application/yaml']) {
      const token = requestSchema(doc, '/v1/token', 'post', type);
      expect(token.required).toEqual(['name', 'role']);
      expect(token.additionalProperties).toBe(false);
      expect(prop(token, 'role').enum).toEqual(['admin', 'developer', 'viewer']);
    }
    const rebuild = requestSchema(doc, '/v1/rebuilds', 'post');
    expect(rebuild.required).toEqual(['selector']);
    expect(rebuild.additionalProperties).toBe(false);
    expect(prop(rebuild, 'dryRun')).toMatchObject({ type: 'boolean', default: false });
    expect(prop(rebuild, 'force')).toMatchObject({ type: 'boolean', default: false });
    const selector = prop(rebuild, 'selector');
    const selectors = (selector.anyOf as Json[]).map((s) => Object.keys(s.properties as Json));
    expect(selectors).toEqual([['all'], ['baseImageName'], ['tag']]);
    expect(selector.description).toMatch(/all.*baseImageName.*tag/s);

    const schedule = requestSchema(doc, '/v1/rebuildschedules', 'post');
    expect(schedule.required).toEqual(['name', 'cron', 'selector']);
    expect(prop(schedule, 'cron').pattern).toEqual(expect.any(String));
    expect(prop(schedule, 'paused')).toMatchObject({ type: 'boolean', default: false });
    expect(prop(schedule, 'selector').anyOf).toEqual(selector.anyOf);
    // Actions on a schedule take no body.
    for (const action of ['pause', 'unpause', 'trigger']) {
      expect(doc.paths[`/v1/rebuildschedules/{name}/${action}`]!.post!.requestBody).toBeUndefined();
    }
  });

  it('describes the answers of tokens, rebuilds and rebuild schedules', async () => {
    const doc = await fetchDocument();
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const arrayOf = (name: string) => ({ type: 'array', items: ref(name) });
    expect(responseSchema(doc, '/v1/token', 'post', '201')).toEqual(ref('CreatedToken'));
    expect(responseSchema(doc, '/v1/token', 'get', '200')).toEqual(arrayOf('Token'));
    expect(responseSchema(doc, '/v1/token/{id}', 'delete', '200')).toEqual(ref('DeletedToken'));
    expect(responseSchema(doc, '/v1/rebuilds', 'post', '200')).toEqual(ref('RebuildPlan'));
    expect(responseSchema(doc, '/v1/rebuilds', 'post', '202')).toEqual(ref('RebuildStarted'));
    expect(responseSchema(doc, '/v1/rebuilds', 'get', '200')).toEqual(arrayOf('Rebuild'));
    expect(responseSchema(doc, '/v1/rebuilds/{id}', 'get', '200')).toEqual(ref('RebuildDetail'));
    expect(responseSchema(doc, '/v1/rebuildschedules', 'get', '200')).toEqual(arrayOf('RebuildSchedule'));
    expect(responseSchema(doc, '/v1/rebuildschedules', 'post', '201')).toEqual(ref('RebuildSchedule'));
    expect(responseSchema(doc, '/v1/rebuildschedules/{name}', 'delete', '200')).toEqual(ref('DeletedRebuildSchedule'));
    for (const action of ['pause', 'unpause', 'trigger']) {
      expect(responseSchema(doc, `/v1/rebuildschedules/{name}/${action}`, 'post', '200')).toEqual(
        ref('RebuildSchedule'),
      );
    }
    for (const path of ['/v1/token/{id}', '/v1/rebuilds/{id}']) {
      const id = Object.values(doc.paths[path]!)[0]!.parameters.find((p) => p.name === 'id');
      expect(id, path).toMatchObject({ in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
    }

    const schemas = doc.components.schemas as Record<string, Json>;
    expect(prop(schemas.CreatedToken!, 'token').description).toMatch(/once/);
    expect(schemas.RebuildPlan!.required).toEqual(['id', 'dryRun', 'plan']);
    expect(prop(schemas.RebuildPlan!, 'dryRun').const).toBe(true);
    expect(prop(schemas.RebuildStarted!, 'status').const).toBe('RUNNING');
    expect(schemas.Rebuild!.properties).not.toHaveProperty('items');
    expect(schemas.RebuildDetail!.required).toContain('items');
    const nextRun = prop(schemas.RebuildSchedule!, 'nextRunTimes').items as Json;
    expect(nextRun).toMatchObject({ type: 'string', format: 'date-time' });
    expect(nextRun).not.toHaveProperty('pattern');
    expect(schemas.DeletedRebuildSchedule!.required).toContain('deleted');
    // The Build answer shows how it was made and what it changed.
    expect(Object.keys(schemas.Build!.properties as Json)).toEqual(
      expect.arrayContaining(['inputsSha256', 'rebuildId', 'reusedBuildId', 'catalogDiff']),
    );
    const diff = (prop(schemas.Build!, 'catalogDiff').anyOf as Json[]).find((s) => s.type === 'object')!;
    expect(Object.keys(diff.properties as Json)).toEqual(['previousBuildId', 'added', 'removed', 'changed']);
  });

  it('describes the logs as text, the list filters and the bundle endpoint', async () => {
    const doc = await fetchDocument();
    for (const path of ['/v1/image/{name}/logs', '/v1/image/{name}/builds/{buildId}/logs']) {
      const op = doc.paths[path]!.get!;
      expect(Object.keys(op.responses['200']!.content!)).toEqual(['text/plain']);
      expect(op.parameters.map((p) => p.name)).toContain('follow');
    }
    const listImages = doc.paths['/v1/image']!.get!.parameters;
    expect(listImages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['tag', 'status', 'language', 'baseImageName']),
    );
    expect(listImages.find((p) => p.name === 'tag')).toMatchObject({ schema: { type: 'array' }, explode: true });

    const bundle = doc.paths['/v1/bundle']!.post!;
    expect(Object.keys(bundle.requestBody!.content)).toEqual(['application/yaml']);
    expect(bundle.parameters.find((p) => p.name === 'operation')?.schema).toMatchObject({
      enum: ['create', 'apply', 'delete'],
      default: 'create',
    });
    expect(Object.keys(bundle.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404', '409', '413']));
    const response = resolve(doc, bundle.responses['200']!.content!['application/json']!.schema as Json);
    expect(response.required).toEqual(['operation', 'results']);
    const result = (prop(response, 'results').items ?? {}) as Json;
    expect(result.required).toEqual(['index', 'kind', 'name', 'result', 'status']);
  });
});

describe('GET /docs', () => {
  it('is a self-contained HTML page listing every operation', async () => {
    const res = await app().request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    for (const [path, methods] of EXPECTED_OPERATIONS) {
      expect(html).toContain(escapeHtml(path));
      for (const method of methods) expect(html).toContain(`${method.toUpperCase()}</span> <code class="path">`);
    }
    expect(html).not.toMatch(/<script|<link|<img|@import|\bsrc=/i);
    expect(html).not.toMatch(/https?:\/\//);
    // Schemas are pretty-printed (and escaped).
    expect(html).toContain('&quot;required&quot;: [');
  });

  it('escapes everything it interpolates', () => {
    const doc = openApiDocument(LANGUAGES);
    doc.info.title = '<script>alert(1)</script>';
    doc.paths['/v1/image']!.get!.summary = '"><img src=x onerror=alert(1)>';
    doc.paths['/v1/image']!.get!.parameters[0]!.description = "it's <b>bold</b> & more";
    const html = openApiPage(doc);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('it&#39;s &lt;b&gt;bold&lt;/b&gt; &amp; more');
  });
});

describe('response schemas', () => {
  const at = new Date('2026-01-02T03:04:05.678Z');
  const later = new Date('2026-01-02T03:05:00.000Z');
  const tags = [{ key: 'team', value: 'docs' }];

  const baseImageRow: BaseImageRow = {
    id: randomUUID(),
    org: 'acme',
    name: 'py3',
    tags,
    status: 'READY',
    reason: [],
    generation: 2,
    createdAt: at,
    modifiedAt: later,
    dockerUrl: 'registry.example:5000/python:3.12',
    language: 'python3',
    digest: 'registry.example:5000/python@sha256:' + 'a'.repeat(64),
  };
  const imageRow: ImageRow = {
    id: randomUUID(),
    org: 'acme',
    name: 'app',
    tags,
    status: 'ERROR',
    reason: ['build failed', 'pip exited with 1'],
    generation: 1,
    createdAt: at,
    modifiedAt: later,
    baseImageName: 'py3',
    language: 'python3',
    runtimeManifest: 'requests==2.32.0\n',
    systemPackages: [{ name: 'curl' }, { name: 'libpq5', version: '15.8-0+deb12u1' }],
    dockerUrl: null,
    digest: null,
    currentBuildId: null,
  };
  const buildRow: BuildRow = {
    id: randomUUID(),
    imageId: imageRow.id,
    runId: randomUUID(),
    generation: 1,
    trigger: 'create',
    inputs: {
      baseImage: baseImageRow.dockerUrl,
      baseDigest: 'sha256:' + 'b'.repeat(64),
      language: 'python3',
      manifestSha256: 'c'.repeat(64),
      systemPackages: imageRow.systemPackages,
      template: 'FROM base',
    },
    inputsSha256: 'e'.repeat(64),
    reusedBuildId: null,
    rebuildId: null,
    catalogDiff: {
      previousBuildId: null,
      added: [{ ecosystem: 'pip', name: 'requests', version: '2.32.0' }],
      removed: [],
      changed: [],
    },
    outcome: 'SUCCEEDED',
    error: null,
    dockerUrl: 'registry.example:5000/acme/app:1',
    digest: 'sha256:' + 'd'.repeat(64),
    startedAt: at,
    finishedAt: later,
  };

  const rebuildRow: RebuildRow = {
    id: randomUUID(),
    org: 'acme',
    selector: { baseImageName: 'py3' },
    dryRun: false,
    force: false,
    trigger: 'schedule nightly',
    status: 'DONE',
    createdAt: at,
    finishedAt: later,
  };
  const rebuildItems: RebuildItemRow[] = [
    {
      rebuildId: rebuildRow.id,
      imageName: 'app',
      baseImageName: 'py3',
      rebuild: true,
      reason: 'base image moved',
      outcome: 'SUCCEEDED',
      buildId: buildRow.id,
    },
    {
      rebuildId: rebuildRow.id,
      imageName: 'other',
      baseImageName: 'py3',
      rebuild: false,
      reason: 'inputs unchanged',
      outcome: 'SKIPPED',
      buildId: null,
    },
  ];
  const scheduleRow: RebuildScheduleRow = {
    id: randomUUID(),
    org: 'acme',
    name: 'nightly',
    cron: '0 3 * * *',
    selector: { tag: { key: 'team', value: 'docs' } },
    force: true,
    createdAt: at,
  };
  // What describeSchedule answers, built the way it builds it.
  const scheduleState: Awaited<ReturnType<typeof describeSchedule>> = {
    paused: true,
    note: 'paused through the API',
    nextRunTimes: [later.toISOString()],
    recentRuns: [{ scheduledAt: at.toISOString(), workflowId: 'rebuild/acme/schedule-nightly' }],
  };

  it('accept what the mappers really produce', () => {
    expect(baseImageSchema.parse(toBaseImageResource(baseImageRow))).toEqual(toBaseImageResource(baseImageRow));
    expect(baseImageSchema.safeParse({ ...toBaseImageResource(baseImageRow), status: 'DELETED' }).success).toBe(true);
    expect(baseImageSchema.safeParse(toBaseImageResource({ ...baseImageRow, digest: null })).success).toBe(true);

    expect(imageSchema.parse(toImageResource(imageRow))).toEqual(toImageResource(imageRow));
    const built = { ...imageRow, status: 'READY' as const, reason: [], dockerUrl: buildRow.dockerUrl, digest: 'x' };
    expect(imageSchema.safeParse(toImageResource({ ...built, currentBuildId: buildRow.id })).success).toBe(true);

    expect(buildSchema.parse(toBuildResource(buildRow))).toEqual(toBuildResource(buildRow));
    const running = { ...buildRow, inputs: null, outcome: 'RUNNING' as const, finishedAt: null, dockerUrl: null };
    expect(buildSchema.safeParse(toBuildResource(running)).success).toBe(true);
    expect(toBuildResource(buildRow).durationMs).toBe(later.getTime() - at.getTime());

    const catalog = { image: 'app', buildId: buildRow.id, packages: [{ ecosystem: 'pip', name: 'x', version: '1' }] };
    expect(catalogSchema.safeParse(catalog).success).toBe(true);
    expect(errorSchema.safeParse({ code: 404, message: 'image app not found' }).success).toBe(true);
    const bundle = {
      operation: 'apply',
      results: [
        { index: 0, kind: 'BaseImage', name: 'py3', result: 'created', status: 'INITIALIZED' },
        { index: 1, kind: 'Image', name: 'app', result: 'unchanged', status: 'READY' },
        { index: 2, kind: 'Image', name: 'old', result: 'deleted', status: 'DELETED' },
      ],
    };
    expect(bundleResponseSchema.safeParse(bundle).success).toBe(true);

    const rebuild = toRebuildResource(rebuildRow, rebuildItems);
    expect(rebuildDetailSchema.parse(rebuild)).toEqual(rebuild);
    expect(rebuildSchema.parse(toRebuildResource(rebuildRow))).toEqual(toRebuildResource(rebuildRow));
    const planning = { ...rebuildRow, selector: { all: true as const }, status: 'PLANNING' as const, finishedAt: null };
    expect(rebuildDetailSchema.safeParse(toRebuildResource(planning, [])).success).toBe(true);
    // The list has no items and the detail always has them.
    expect(rebuildSchema.safeParse(rebuild).success).toBe(false);
    expect(rebuildDetailSchema.safeParse(toRebuildResource(rebuildRow)).success).toBe(false);

    const schedule = toScheduleResource(scheduleRow, scheduleState);
    expect(scheduleSchema.parse(schedule)).toEqual(schedule);
    const unpaused = { ...scheduleState, paused: false, note: null, recentRuns: [] };
    expect(scheduleSchema.safeParse(toScheduleResource(scheduleRow, unpaused)).success).toBe(true);
    const deleted = { ...toScheduleResource(scheduleRow, {}), deleted: true };
    expect(deletedScheduleSchema.parse(deleted)).toEqual(deleted);

    const plan = [{ imageName: 'app', baseImageName: 'py3', rebuild: true, reason: 'forced' }];
    expect(rebuildPlanSchema.safeParse({ id: rebuildRow.id, dryRun: true, plan }).success).toBe(true);
    expect(rebuildStartedSchema.safeParse({ id: rebuildRow.id, dryRun: false, status: 'RUNNING' }).success).toBe(true);
    const token = { id: randomUUID(), name: 'ci', role: 'developer', createdTime: 1767323045 };
    expect(tokenSchema.safeParse(token).success).toBe(true);
    expect(createdTokenSchema.safeParse({ token: 'dsp_x', ...token, org: 'acme' }).success).toBe(true);
    expect(deletedTokenSchema.safeParse({ id: token.id, deleted: true }).success).toBe(true);
  });

  it('refuse a field the mappers would add without a schema change', () => {
    expect(baseImageSchema.safeParse({ ...toBaseImageResource(baseImageRow), org: 'acme' }).success).toBe(false);
    const image = toImageResource(imageRow);
    const extraNested = { ...image, runtimeDependencies: { ...image.runtimeDependencies, sha: 'x' } };
    expect(imageSchema.safeParse(extraNested).success).toBe(false);
    const withoutDuration: Partial<ReturnType<typeof toBuildResource>> = toBuildResource(buildRow);
    delete withoutDuration.durationMs;
    expect(buildSchema.safeParse(withoutDuration).success).toBe(false);
    const rebuild = toRebuildResource(rebuildRow, rebuildItems);
    const extraItemField = { ...rebuild, items: rebuild.items!.map((item) => ({ ...item, imageId: 'x' })) };
    expect(rebuildDetailSchema.safeParse(extraItemField).success).toBe(false);
    const schedule = toScheduleResource(scheduleRow, { ...scheduleState, timezone: 'UTC' });
    expect(scheduleSchema.safeParse(schedule).success).toBe(false);
    // Without Temporal's state, a schedule is not a full answer.
    expect(scheduleSchema.safeParse(toScheduleResource(scheduleRow, {})).success).toBe(false);
    const tokenWithSecret = { id: randomUUID(), name: 'ci', role: 'viewer', createdTime: 1, token: 'dsp_x' };
    expect(tokenSchema.safeParse(tokenWithSecret).success).toBe(false);
  });

  it('are the ones the document describes', () => {
    const doc = openApiDocument(LANGUAGES);
    const image = doc.components.schemas.Image!;
    expect(Object.keys(image.properties ?? {}).sort()).toEqual(Object.keys(toImageResource(imageRow)).sort());
    const base = doc.components.schemas.BaseImage!;
    expect(Object.keys(base.properties ?? {}).sort()).toEqual(Object.keys(toBaseImageResource(baseImageRow)).sort());
    const build = doc.components.schemas.Build!;
    expect(Object.keys(build.properties ?? {}).sort()).toEqual(Object.keys(toBuildResource(buildRow)).sort());
    const rebuild = doc.components.schemas.RebuildDetail!;
    const rebuildResource = toRebuildResource(rebuildRow, rebuildItems);
    expect(Object.keys(rebuild.properties ?? {}).sort()).toEqual(Object.keys(rebuildResource).sort());
    const item = (rebuild.properties?.items as Json).items as Json;
    expect(Object.keys(item.properties as Json).sort()).toEqual(Object.keys(rebuildResource.items![0]!).sort());
    const list = doc.components.schemas.Rebuild!;
    expect(Object.keys(list.properties ?? {}).sort()).toEqual(Object.keys(toRebuildResource(rebuildRow)).sort());
    const schedule = doc.components.schemas.RebuildSchedule!;
    const scheduleResource = toScheduleResource(scheduleRow, scheduleState);
    expect(Object.keys(schedule.properties ?? {}).sort()).toEqual(Object.keys(scheduleResource).sort());
  });
});
