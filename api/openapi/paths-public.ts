import { json, ref } from './content.js';
import type { OperationKit } from './operations.js';
import { DOCUMENTATION, HEALTH } from './tags.js';
import type { Paths } from './types.js';

// The paths that need no token: the health check, and this description of the API.

export const healthPaths = ({ open }: OperationKit): Paths => ({
  '/healthz': {
    get: open('health', HEALTH, 'Health of the API and of every dependency (Postgres, Temporal)', {
      200: { description: 'Everything answers.', content: json(ref('Health')) },
      503: { description: 'A dependency does not answer.', content: json(ref('Health')) },
    }),
  },
});

export const documentationPaths = ({ open }: OperationKit): Paths => ({
  '/openapi.json': {
    get: open('openApiDocument', DOCUMENTATION, 'This OpenAPI document', {
      200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) },
    }),
  },
  '/docs': {
    get: open('openApiReference', DOCUMENTATION, 'A readable reference of this API', {
      200: { description: 'An HTML page.', content: { 'text/html': { schema: { type: 'string' } } } },
    }),
  },
});
