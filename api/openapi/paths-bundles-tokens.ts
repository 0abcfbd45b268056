import { BUNDLE_OPERATIONS } from '../bundle-parse.js';
import { errors, json, ref } from './content.js';
import type { OperationKit } from './operations.js';
import { idParam } from './parameters.js';
import { BUNDLES, TOKENS } from './tags.js';
import type { Paths } from './types.js';

// The bundle endpoint (many resources in one YAML request) and the org's tokens.

export const bundlePaths = ({ op }: OperationKit): Paths => ({
  '/v1/bundle': {
    post: op('applyBundle', BUNDLES, 'Create, apply or delete many resources at once', {
      description: [
        'The body is multi-document YAML; each document is a BundleDocument (kind BaseImage or Image, with the fields of the API).',
        'All or nothing: every document is validated, then all are written in one transaction, base images before the images on them (and deleted after them), so the order of documents does not matter.',
        'For delete, a document needs only its kind and name. A developer may only send documents of kind Image.',
        'Workflows start once the transaction has committed; one that fails to start is picked up by the reconciler.',
      ].join(' '),
      parameters: [
        {
          name: 'operation',
          in: 'query',
          required: false,
          description:
            'create: every resource is new (409 otherwise); apply: create or update, leaving unchanged ones alone; delete: remove the named resources.',
          schema: { type: 'string', enum: [...BUNDLE_OPERATIONS], default: 'create' },
        },
      ],
      requestBody: {
        required: true,
        description: 'Multi-document YAML (documents separated by ---), each one a BundleDocument.',
        content: {
          'application/yaml': {
            schema: { type: 'string', description: 'YAML text; see #/components/schemas/BundleDocument.' },
          },
        },
      },
      responses: {
        200: { description: 'One result per document.', content: json(ref('BundleResponse')) },
        ...errors({
          400: 'The YAML, the operation or a document is invalid; the message names the document (nothing was written).',
          403: "The token's role may not write a document's kind, or X-Dispatch-Org names another org.",
          404: 'delete: a named resource does not exist (nothing was deleted).',
          409: 'create: a resource already exists; delete: a base image is still used by images (nothing was written).',
          413: true,
        }),
      },
    }),
  },
});

export const tokenPaths = ({ op, body }: OperationKit): Paths => ({
  '/v1/token': {
    get: op('listTokens', TOKENS, 'List the tokens of the org', {
      description: 'Oldest first. The tokens themselves are never shown again, only their names and roles.',
      responses: {
        200: { description: 'The tokens.', content: json({ type: 'array', items: ref('Token') }) },
        ...errors({}),
      },
    }),
    post: op('createToken', TOKENS, 'Create a token for the org', {
      description: 'The answer holds the token itself, the only time it is shown: the server keeps only its SHA-256.',
      requestBody: body('TokenBody', 'The name and role of the new token.'),
      responses: {
        201: { description: 'The new token, with its secret.', content: json(ref('CreatedToken')) },
        ...errors({ 400: true, 413: true }),
      },
    }),
  },
  '/v1/token/{id}': {
    delete: op('deleteToken', TOKENS, 'Delete (revoke) a token', {
      description: 'Requests with the token are refused (401) from then on.',
      parameters: [idParam('token', 'GET /v1/token')],
      responses: {
        200: { description: 'The token is deleted.', content: json(ref('DeletedToken')) },
        ...errors({ 404: 'token ID not found (an id that is not a UUID included).' }),
      },
    }),
  },
});
