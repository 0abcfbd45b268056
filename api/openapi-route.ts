import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { Role } from '../db/schema.js';
import { bodyAsJson, limitBody, MAX_BODY_BYTES } from './body.js';
import { ORG_HEADER, requireRole, stillAuthorizedAfterBody } from './context.js';
import { errorSchema } from './resource-schema.js';

// How the routes declare themselves: every /v1 operation is one `v1Route(...)`, which is at once its validation,
// its handler's types, who may call it, and its entry in /openapi.json (served by api/app.ts).

export const SECURITY_SCHEME = 'bearerAuth';

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

const errorContent = { 'application/json': { schema: errorSchema } };

/** The error answers of an operation: 401, 403 and 500 always, the others as given (true: the generic text). */
export function errors(specific: Partial<Record<ErrorStatus, string | true>>) {
  const all: Partial<Record<ErrorStatus, string | true>> = { 401: true, 403: true, ...specific, 500: true };
  return Object.fromEntries(
    Object.entries(all).map(([status, text]) => [
      status,
      { description: text === true ? ERROR_TEXT[Number(status) as ErrorStatus] : text, content: errorContent },
    ]),
  ) as Record<ErrorStatus, { description: string; content: typeof errorContent }>;
}

/** A JSON answer. */
export const jsonAnswer = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A request body, as JSON or YAML (api/body.ts turns YAML into the same value before validation). */
export const jsonOrYamlBody = <S extends z.ZodType>(schema: S, description: string) => ({
  required: true,
  description,
  content: { 'application/json': { schema }, 'application/yaml': { schema } },
});

const orgHeader = z.object({
  [ORG_HEADER]: z.string().optional().openapi({
    description:
      "The org to act in. Optional: it defaults to the token's org, and naming another org is refused (403).",
  }),
});

type V1Route = Omit<RouteConfig, 'security' | 'middleware'> & {
  /** Who may call it; enforced by the route itself, so the document and the server cannot disagree. */
  roles: readonly Role[];
  /** How messages name the resource: "base image", "image"... */
  resource: string;
  /** The handler reads the body text itself (a YAML stream): no JSON/YAML conversion. */
  rawBody?: boolean;
};

/**
 * A /v1 operation: bearer auth with the roles given (403 for any other), the org header, and a body read as JSON
 * or YAML under the 1 MiB limit when the route declares one.
 */
export function v1Route<const R extends V1Route>({ roles, resource, rawBody, ...config }: R) {
  const readBody =
    config.request?.body === undefined
      ? []
      : [limitBody, ...(rawBody ? [] : [bodyAsJson(resource)]), stillAuthorizedAfterBody];
  return createRoute({
    ...config,
    description: [config.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join(' '),
    security: [{ [SECURITY_SCHEME]: [...roles] }],
    request: { ...config.request, headers: orgHeader },
    middleware: [requireRole(roles, resource), ...readBody],
  } as Omit<R, 'roles' | 'resource' | 'rawBody'>);
}
