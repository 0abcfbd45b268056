import { ORG_HEADER } from '../context.js';
import { nameSchema, statusFilterSchema } from '../resource-schema.js';
import { jsonSchemaOf } from './json-schema.js';
import type { Parameter } from './types.js';

// The parameters operations share: the org header, names and ids in the path, the filters of the lists.

export const orgHeaderParameter = (): Parameter => ({
  name: ORG_HEADER,
  in: 'header',
  required: false,
  description: "The org to act in. Optional: it defaults to the token's org, and naming another org is refused (403).",
  schema: jsonSchemaOf(nameSchema, 'input'),
});

export const nameParam = (kind: string): Parameter => ({
  name: 'name',
  in: 'path',
  required: true,
  description: `The name of the ${kind}.`,
  schema: jsonSchemaOf(nameSchema, 'input'),
});

export const idParam = (kind: string, listedBy: string): Parameter => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The id of the ${kind}, as listed by ${listedBy}.`,
  schema: { type: 'string', format: 'uuid' },
});

export const listFilters = (kind: string, languages: readonly string[]): Parameter[] => [
  {
    name: 'tag',
    in: 'query',
    required: false,
    description: `Only ${kind}s with this tag, written key=value; repeat it to require several tags.`,
    schema: { type: 'array', items: { type: 'string', pattern: '^[^=]+=' } },
    style: 'form',
    explode: true,
  },
  {
    name: 'status',
    in: 'query',
    required: false,
    description: `Only ${kind}s in this status.`,
    schema: jsonSchemaOf(statusFilterSchema, 'input'),
  },
  {
    name: 'language',
    in: 'query',
    required: false,
    description: `Only ${kind}s of this language (this server supports ${languages.join(', ')}).`,
    schema: { type: 'string' },
  },
];
