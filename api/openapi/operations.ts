import { jsonOrYaml, ref } from './content.js';
import { orgHeaderParameter } from './parameters.js';
import type { Operation, Parameter, RequestBody, ResponseObject } from './types.js';

// How the paths write their operations. Security is filled in afterwards, from the permission rules the server
// enforces (./security.ts).

export type OperationKit = ReturnType<typeof operationKit>;

type OperationFields = Omit<Operation, 'operationId' | 'summary' | 'tags' | 'security' | 'parameters'> & {
  parameters?: Parameter[];
};

/** The operation builders of one document; its /v1 operations share one org header parameter. */
export function operationKit() {
  const orgHeader = orgHeaderParameter();
  /** A /v1 operation: it takes the org header. */
  const op = (operationId: string, tag: string, summary: string, rest: OperationFields): Operation => ({
    operationId,
    summary,
    tags: [tag],
    ...rest,
    parameters: [...(rest.parameters ?? []), orgHeader],
    security: [],
  });
  /** An operation that needs no token and takes no parameter. */
  const open = (operationId: string, tag: string, summary: string, responses: Record<string, ResponseObject>) => ({
    operationId,
    summary,
    tags: [tag],
    parameters: [],
    responses,
    security: [],
  });
  const body = (schema: string, description: string): RequestBody => ({
    required: true,
    description,
    content: jsonOrYaml(ref(schema)),
  });
  return { op, open, body };
}
