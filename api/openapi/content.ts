import { MAX_BODY_BYTES } from '../body.js';
import { ORG_HEADER } from '../context.js';
import type { Content, JsonSchema, ResponseObject } from './types.js';

// Bodies by reference to the component schemas, and the error answers every operation shares.

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: JsonSchema): Content => ({ 'application/json': { schema } });
export const jsonOrYaml = (schema: JsonSchema): Content => ({
  'application/json': { schema },
  'application/yaml': { schema },
});

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;
const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: 'The request is invalid; the message names the resource and every field at fault.',
  401: 'No bearer token, or one the server does not know.',
  403: `The token's role may not do this, or ${ORG_HEADER} names another org than the token's.`,
  404: 'The resource does not exist in the org.',
  409: 'The request conflicts with the stored resources.',
  413: `The body is larger than ${MAX_BODY_BYTES} bytes.`,
  500: 'An internal error; the details are in the server log.',
  503: 'The workflow service (Temporal) did not accept the work; nothing was changed, try again.',
};

/** The error answers of an operation: 401, 403 and 500 always, the others as given (true: the generic text). */
export function errors(specific: Partial<Record<ErrorStatus, string | true>>): Record<string, ResponseObject> {
  const all: Partial<Record<ErrorStatus, string | true>> = { 401: true, 403: true, ...specific, 500: true };
  return Object.fromEntries(
    Object.entries(all)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, text]) => [
        status,
        {
          description: text === true ? ERROR_TEXT[Number(status) as ErrorStatus] : text,
          content: json(ref('Error')),
        },
      ]),
  );
}
