import { errors, json, ref } from './content.js';
import type { OperationKit } from './operations.js';
import { nameParam } from './parameters.js';
import { BUILDS } from './tags.js';
import type { Parameter, Paths, ResponseObject } from './types.js';

// The paths of an image's builds: what its current build installed, its build history and the build logs.

export function buildPaths({ op }: OperationKit): Paths {
  const follow: Parameter = {
    name: 'follow',
    in: 'query',
    required: false,
    description: 'true (or 1): keep the response open and stream the log as it grows until the build ends.',
    schema: { type: 'boolean', default: false },
  };
  const buildId: Parameter = {
    name: 'buildId',
    in: 'path',
    required: true,
    description: 'The id of one build, as listed by /v1/image/{name}/builds.',
    schema: { type: 'string', format: 'uuid' },
  };
  const log: ResponseObject = {
    description: 'The build output as plain text (streamed while following).',
    content: { 'text/plain': { schema: { type: 'string' } } },
  };
  return {
    '/v1/image/{name}/catalog': {
      get: op('getImageCatalog', BUILDS, 'What is really installed in the built image', {
        parameters: [nameParam('image')],
        responses: {
          200: { description: 'The catalog of the current build.', content: json(ref('Catalog')) },
          ...errors({
            400: 'The name is malformed.',
            404: 'The image does not exist, or has not been built successfully yet.',
          }),
        },
      }),
    },
    '/v1/image/{name}/builds': {
      get: op('listImageBuilds', BUILDS, 'The build history of an image, newest first', {
        parameters: [nameParam('image')],
        responses: {
          200: { description: 'The builds.', content: json({ type: 'array', items: ref('Build') }) },
          ...errors({ 400: 'The name is malformed.', 404: 'image NAME not found.' }),
        },
      }),
    },
    '/v1/image/{name}/logs': {
      get: op('getImageLog', BUILDS, 'The log of the latest build of an image', {
        parameters: [nameParam('image'), follow],
        responses: {
          200: log,
          ...errors({ 400: 'The name is malformed.', 404: 'The image does not exist or has no builds yet.' }),
        },
      }),
    },
    '/v1/image/{name}/builds/{buildId}/logs': {
      get: op('getBuildLog', BUILDS, 'The log of one build of an image', {
        parameters: [nameParam('image'), buildId, follow],
        responses: {
          200: log,
          ...errors({ 400: 'The name is malformed.', 404: 'The image or the build does not exist.' }),
        },
      }),
    },
  };
}
