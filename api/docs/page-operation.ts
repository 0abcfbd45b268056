import { anchor, escapeHtml, pretty } from './page-html.js';
import type {
  ContentObject as Content,
  OpenAPIObject as OpenApiDocument,
  OperationObject as Operation,
  ParameterObject as Parameter,
  ReferenceObject,
  SchemaObject,
} from 'openapi3-ts/oas31';

type JsonSchema = SchemaObject | ReferenceObject;

// One operation of the reference page: its parameters, request body and answers, with their schemas.

const SCHEMA_REF = '#/components/schemas/';
const refName = (schema: JsonSchema | undefined) => {
  const ref = schema && '$ref' in schema ? schema.$ref : undefined;
  return ref?.startsWith(SCHEMA_REF) ? ref.slice(SCHEMA_REF.length) : '';
};
const typeOf = (schema: JsonSchema | undefined) =>
  schema && 'type' in schema && schema.type !== undefined ? String(schema.type) : 'any';

/** A schema's name as a link to its definition, or a short inline form (arrays of a named schema included). */
function schemaLabel(schema: JsonSchema | undefined): string {
  const name = refName(schema);
  if (name) return `<a href="#${escapeHtml(anchor('schema', name))}">${escapeHtml(name)}</a>`;
  const items = schema && 'items' in schema ? schema.items : undefined;
  if (typeOf(schema) === 'array' && items && refName(items)) return `array of ${schemaLabel(items)}`;
  return `<code>${escapeHtml(typeOf(schema))}</code>`;
}

/**
 * The media types of a body with their schema: link to the named schema, and the schema itself pretty-printed
 * (`open` or folded). Media types sharing one schema are listed together; error bodies only link to theirs.
 */
function contentBlock(doc: OpenApiDocument, content: Content | undefined, show: 'open' | 'folded' | 'link'): string {
  if (!content) return '';
  const groups = new Map<string, { mediaTypes: string[]; schema: JsonSchema }>();
  for (const [mediaType, { schema = {} }] of Object.entries(content)) {
    const key = JSON.stringify(schema);
    const group = groups.get(key) ?? { mediaTypes: [], schema };
    group.mediaTypes.push(mediaType);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ mediaTypes, schema }) => {
      const name = refName(schema);
      const resolved = name ? doc.components?.schemas?.[name] : schema;
      const types = mediaTypes.map((t) => `<code>${escapeHtml(t)}</code>`).join(', ');
      const body =
        show === 'link'
          ? ''
          : `<details${show === 'open' ? ' open' : ''}><summary>schema</summary>${pretty(resolved)}</details>`;
      return `<div class="media">${types} ${schemaLabel(schema)}${body}</div>`;
    })
    .join('');
}

function parametersTable(parameters: Parameter[]): string {
  if (!parameters.length) return '<p class="none">No parameters.</p>';
  const rows = parameters
    .map(
      (p) => `<tr>
  <td><code>${escapeHtml(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td>
  <td>${escapeHtml(p.in)}</td>
  <td><code class="inline-schema">${escapeHtml(JSON.stringify(p.schema))}</code></td>
  <td>${escapeHtml(p.description ?? '')}</td>
</tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>name</th><th>in</th><th>schema</th><th>description</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

export function operationSection(doc: OpenApiDocument, method: string, path: string, op: Operation): string {
  const security = op.security ?? [];
  const roles = security.flatMap((requirement) => Object.values(requirement).flat());
  const auth = security.length
    ? `Bearer token; roles: ${roles.map((r) => `<code>${escapeHtml(r)}</code>`).join(', ')}`
    : 'No token needed.';
  const requestBody = op.requestBody && !('$ref' in op.requestBody) ? op.requestBody : undefined;
  const request = requestBody
    ? `<h4>Request body${requestBody.required ? ' <span class="req">required</span>' : ''}</h4>
${requestBody.description ? `<p>${escapeHtml(requestBody.description)}</p>` : ''}
${contentBlock(doc, requestBody.content, 'open')}`
    : '';
  const responses = Object.entries((op.responses ?? {}) as Record<string, { description: string; content?: Content }>)
    .map(
      ([status, response]) => `<tr class="status-${escapeHtml(status.charAt(0))}xx">
  <td><code>${escapeHtml(status)}</code></td>
  <td>${escapeHtml(response.description)}</td>
  <td>${contentBlock(doc, response.content, Number(status) < 400 ? 'folded' : 'link')}</td>
</tr>`,
    )
    .join('\n');
  return `<section class="operation" id="${escapeHtml(anchor('op', op.operationId ?? path))}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code class="path">${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(op.summary ?? '')}</p>
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
<p class="auth">${auth}</p>
<h4>Parameters</h4>
${parametersTable((op.parameters ?? []) as Parameter[])}
${request}
<h4>Responses</h4>
<table><thead><tr><th>status</th><th>description</th><th>content</th></tr></thead><tbody>
${responses}
</tbody></table>
</section>`;
}
