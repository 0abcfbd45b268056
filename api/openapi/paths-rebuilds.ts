import { errors, json, ref } from './content.js';
import type { OperationKit } from './operations.js';
import { idParam } from './parameters.js';
import { REBUILDS } from './tags.js';
import type { Paths } from './types.js';

// The paths of batch rebuilds: plan or start one, list them, follow one.

export const rebuildPaths = ({ op, body }: OperationKit): Paths => ({
  '/v1/rebuilds': {
    get: op('listRebuilds', REBUILDS, 'List the recent rebuilds of the org, newest first', {
      description: 'The latest 50, dry runs and scheduled runs included, without their items.',
      responses: {
        200: { description: 'The rebuilds.', content: json({ type: 'array', items: ref('Rebuild') }) },
        ...errors({}),
      },
    }),
    post: op('startRebuild', REBUILDS, 'Plan (dry run) or start a batch rebuild', {
      description: [
        "The selected images' base images are verified (pulled) again, then each image is planned: rebuilt when its build inputs changed since its last successful build (or always when forced), skipped otherwise.",
        'A dry run answers the plan (200) once it is computed, which takes seconds, and builds nothing.',
        'Otherwise the rebuild runs in the background (202) with a few builds at a time; images with identical inputs are built once and the others reuse that image.',
      ].join(' '),
      requestBody: body('RebuildBody', 'What to rebuild.'),
      responses: {
        200: { description: 'dryRun: the plan; nothing was built.', content: json(ref('RebuildPlan')) },
        202: { description: 'The rebuild has started.', content: json(ref('RebuildStarted')) },
        ...errors({
          400: 'The body is invalid, or selector.baseImageName names a base image that does not exist.',
          413: true,
          503: 'The workflow service (Temporal) did not accept the rebuild, or the dry run did not complete; try again.',
        }),
      },
    }),
  },
  '/v1/rebuilds/{id}': {
    get: op('getRebuild', REBUILDS, 'Get one rebuild with its items', {
      parameters: [idParam('rebuild', 'GET /v1/rebuilds or answered by POST /v1/rebuilds')],
      responses: {
        200: {
          description: 'The rebuild, its plan and what became of each image.',
          content: json(ref('RebuildDetail')),
        },
        ...errors({
          404: 'rebuild ID not found (an id that is not a UUID included). A started rebuild is recorded a moment after POST answers.',
        }),
      },
    }),
  },
});
