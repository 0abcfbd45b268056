import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { expect } from 'vitest';
import { createApp } from '../../api/app.js';
import type { AppDeps } from '../../api/context.js';
import { createLogger } from '../../logger.js';

// The API app as the server builds it, for the document its routes produce. /openapi.json and /docs touch no
// dependency, so none is connected: a route that needed one would fail loudly here.

export const LANGUAGES = ['python3', 'nodejs'];

export const EXPECTED_OPERATIONS: [string, string[]][] = [
  ['/healthz', ['get']],
  ['/v1/baseimage', ['get', 'post']],
  ['/v1/baseimage/{name}', ['get', 'put', 'delete']],
  ['/v1/image', ['get', 'post']],
  ['/v1/image/{name}', ['get', 'put', 'delete']],
  ['/v1/image/{name}/catalog', ['get']],
  ['/v1/image/{name}/builds', ['get']],
  ['/v1/image/{name}/logs', ['get']],
  ['/v1/image/{name}/builds/{buildId}/logs', ['get']],
  ['/v1/image/{name}/sbom', ['get']],
  ['/v1/packages', ['get']],
  ['/v1/bundle', ['post']],
  ['/v1/token', ['get', 'post']],
  ['/v1/token/{id}', ['delete']],
  ['/v1/org', ['get', 'post']],
  ['/v1/org/{name}', ['get', 'delete']],
  ['/v1/platform/token', ['get', 'post']],
  ['/v1/platform/token/{id}', ['delete']],
  ['/v1/rebuilds', ['get', 'post']],
  ['/v1/rebuilds/{id}', ['get']],
  ['/v1/rebuildschedules', ['get', 'post']],
  ['/v1/rebuildschedules/{name}', ['get', 'delete']],
  ['/v1/rebuildschedules/{name}/pause', ['post']],
  ['/v1/rebuildschedules/{name}/unpause', ['post']],
  ['/v1/rebuildschedules/{name}/trigger', ['post']],
];

export type Json = Record<string, unknown>;
export type Method = 'get' | 'post' | 'put' | 'delete';

// Any property of it is itself; calling it throws.
const unconnected: object = new Proxy(() => undefined, {
  get: () => unconnected,
  apply: () => {
    throw new Error('the document routes must not use a dependency');
  },
});

export function app() {
  return createApp({
    config: { languages: LANGUAGES, SCHEDULE_MIN_INTERVAL_MINUTES: 5, BUNDLE_MAX_DOCUMENTS: 100 },
    database: unconnected as AppDeps['database'],
    temporal: unconnected as AppDeps['temporal'],
    starter: unconnected as AppDeps['starter'],
    logger: createLogger('test', 'error'),
  });
}

/** The shapes of the document as these tests read it (looser than openapi3-ts, which allows $refs everywhere). */
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema: Json;
    style?: string;
    explode?: boolean;
  }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
  security: Record<string, string[]>[];
};
export type OpenApiDocument = Omit<OpenAPIObject, 'paths' | 'components'> & {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json & { description: string }> };
};

export async function fetchDocument(): Promise<OpenApiDocument> {
  const res = await app().request('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as OpenApiDocument;
}

/** Every object inside `value`, depth first. */
export function* objects(value: unknown): Generator<Json> {
  if (Array.isArray(value)) for (const item of value) yield* objects(item);
  else if (value && typeof value === 'object') {
    yield value as Json;
    for (const child of Object.values(value)) yield* objects(child);
  }
}

export function resolve(doc: OpenApiDocument, schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`unresolved ${ref}`);
  return target as Json;
}

export const requestSchema = (doc: OpenApiDocument, path: string, method: 'post' | 'put', type = 'application/json') =>
  resolve(doc, doc.paths[path]![method]!.requestBody!.content[type]!.schema as Json);

export const responseSchema = (doc: OpenApiDocument, path: string, method: Method, status: string) =>
  doc.paths[path]![method]!.responses[status]!.content!['application/json']!.schema as Json;

export const prop = (schema: Json, ...path: string[]): Json =>
  path.reduce((at, key) => (at.properties as Record<string, Json>)[key]!, schema);
