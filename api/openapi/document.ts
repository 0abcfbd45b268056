import { MAX_BODY_BYTES } from '../body.js';
import { componentSchemas } from './components.js';
import { operationKit } from './operations.js';
import { buildPaths } from './paths-builds.js';
import { bundlePaths, tokenPaths } from './paths-bundles-tokens.js';
import { documentationPaths, healthPaths } from './paths-public.js';
import { rebuildPaths } from './paths-rebuilds.js';
import { baseImagePaths, imagePaths } from './paths-resources.js';
import { schedulePaths } from './paths-schedules.js';
import { applyRoles, ROLE_RULES, securitySchemes } from './security.js';
import { tags } from './tags.js';
import type { OpenApiDocument, Paths } from './types.js';

// The OpenAPI 3.1 description of the API. Request bodies are converted from the zod schemas the routes validate
// with, responses from the response schemas (checked against the mappers), so neither can drift from the code.

export function openApiDocument(languages: readonly string[]): OpenApiDocument {
  const schemas = componentSchemas(languages);
  const kit = operationKit();
  const paths: Paths = {
    ...healthPaths(kit),
    ...baseImagePaths(kit, languages),
    ...imagePaths(kit, languages),
    ...buildPaths(kit),
    ...bundlePaths(kit),
    ...tokenPaths(kit),
    ...rebuildPaths(kit),
    ...schedulePaths(kit),
    ...documentationPaths(kit),
  };
  applyRoles(paths);

  return {
    openapi: '3.1.0',
    info: {
      title: 'Dispatch images API',
      version: 'v1',
      description: [
        'Base images and the images built on them, on Temporal; batch rebuilds of images, on demand or on a schedule.',
        'Bodies are JSON; POST and PUT also accept YAML (Content-Type: application/yaml).',
        `Every error body is {"code": <http status>, "message": "..."}. Bodies over ${MAX_BODY_BYTES} bytes are refused with 413.`,
        `Every /v1 request needs Authorization: Bearer <token>; the token names the org and the role (${ROLE_RULES}).`,
      ].join(' '),
    },
    tags: tags(),
    paths,
    components: { schemas, securitySchemes: securitySchemes() },
  };
}
