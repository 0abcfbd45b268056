import { describe, expect, it } from 'vitest';
import { DOCKER_REFERENCE } from '../../docker-reference.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../package-rules.js';
import { CRON } from '../../api/rebuild-model.js';
import { LANGUAGE_PATTERN } from '../../api/base-image-model.js';
import {
  fetchDocument,
  LANGUAGES,
  prop,
  requestSchema,
  resolve,
  responseSchema,
  type Json,
} from '../helpers/openapi.js';

// The request bodies and answers the document describes: taken from the routes' schemas and the response schemas.

describe('GET /openapi.json', () => {
  it('takes the POST /v1/baseimage body from the route schema: required fields, languages, refinements', async () => {
    const doc = await fetchDocument();
    for (const type of ['application/json', 'application/yaml']) {
      const schema = requestSchema(doc, '/v1/baseimage', 'post', type);
      expect(schema.type).toBe('object');
      expect(schema.required).toEqual(expect.arrayContaining(['name', 'dockerUrl', 'language']));
      expect(schema.additionalProperties).toBe(false);
      // Any language name: one the service installs for, or any with the base image's own template.
      const language = prop(schema, 'language');
      expect(language.pattern).toBe(LANGUAGE_PATTERN.source);
      expect(language.description).toContain(`installs dependencies for ${LANGUAGES.join(', ')}`);
      expect(language.description).toContain('io.dispatchframework.imageTemplate');
      expect(schema.description).toMatch(/imageUrl .* accepted for dockerUrl/);
      // The document states the very rule the server enforces, as a pattern a client can check before sending.
      expect(prop(schema, 'dockerUrl')).toMatchObject({ pattern: DOCKER_REFERENCE.source, maxLength: 512 });
      expect(prop(schema, 'tags')).toMatchObject({ type: 'array', default: [] });
      // Server-set fields are accepted and ignored.
      expect(prop(schema, 'status')).toMatchObject({ readOnly: true });
    }
    // PUT takes the name from the path.
    const put = requestSchema(doc, '/v1/baseimage/{name}', 'put');
    expect(put.required).toEqual(expect.arrayContaining(['dockerUrl', 'language']));
    expect(put.required).not.toContain('name');
  });

  it('takes the image body from the route schema, with the package rules of package-rules.ts', async () => {
    const doc = await fetchDocument();
    const schema = requestSchema(doc, '/v1/image', 'post');
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'baseImageName']));
    expect(schema.required).not.toContain('runtimeDependencies');
    const packages = prop(schema, 'systemDependencies', 'packages');
    expect(packages.type).toEqual(['array', 'null']);
    const item = resolve(doc, packages.items as Json);
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
    const selector = resolve(doc, prop(rebuild, 'selector'));
    const selectors = (selector.anyOf as Json[]).map((s) => Object.keys(s.properties as Json));
    expect(selectors).toEqual([['all'], ['baseImageName'], ['tag'], ['package']]);
    expect(selector.description).toMatch(/all.*baseImageName.*tag.*package/s);

    const schedule = requestSchema(doc, '/v1/rebuildschedules', 'post');
    expect(schedule.required).toEqual(['name', 'cron', 'selector']);
    expect(prop(schedule, 'cron').pattern).toBe(CRON.source);
    expect(prop(schedule, 'paused')).toMatchObject({ type: 'boolean', default: false });
    expect(resolve(doc, prop(schedule, 'selector'))).toEqual(selector);
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
    expect(prop(schemas.RebuildPlan!, 'dryRun').enum).toEqual([true]);
    // RUNNING: a batch started; PLANNING: a dry run slower than the server waits for.
    expect(prop(schemas.RebuildStarted!, 'status').enum).toEqual(['RUNNING', 'PLANNING']);
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
    const diff = prop(schemas.Build!, 'catalogDiff');
    expect(diff.type).toEqual(['object', 'null']);
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
