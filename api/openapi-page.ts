import type { Content, JsonSchema, OpenApiDocument, Operation, Parameter } from './openapi.js';

// A readable reference of the API from its OpenAPI document: one self-contained HTML page (no script, no external
// stylesheet or font), every interpolated text escaped.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

const anchor = (kind: string, name: string) => `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
const pretty = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

const SCHEMA_REF = '#/components/schemas/';
const refName = (schema: JsonSchema | undefined) =>
  typeof schema?.$ref === 'string' && schema.$ref.startsWith(SCHEMA_REF) ? schema.$ref.slice(SCHEMA_REF.length) : '';

/** A schema's name as a link to its definition, or a short inline form (arrays of a named schema included). */
function schemaLabel(schema: JsonSchema | undefined): string {
  const name = refName(schema);
  if (name) return `<a href="#${escapeHtml(anchor('schema', name))}">${escapeHtml(name)}</a>`;
  const items = schema?.items;
  if (schema?.type === 'array' && items && typeof items === 'object' && !Array.isArray(items) && refName(items)) {
    return `array of ${schemaLabel(items)}`;
  }
  return `<code>${escapeHtml(schema?.type ?? 'any')}</code>`;
}

/**
 * The media types of a body with their schema: link to the named schema, and the schema itself pretty-printed
 * (`open` or folded). Media types sharing one schema are listed together; error bodies only link to theirs.
 */
function contentBlock(doc: OpenApiDocument, content: Content | undefined, show: 'open' | 'folded' | 'link'): string {
  if (!content) return '';
  const groups = new Map<string, { mediaTypes: string[]; schema: JsonSchema }>();
  for (const [mediaType, { schema }] of Object.entries(content)) {
    const key = JSON.stringify(schema);
    const group = groups.get(key) ?? { mediaTypes: [], schema };
    group.mediaTypes.push(mediaType);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ mediaTypes, schema }) => {
      const name = refName(schema);
      const resolved = name ? doc.components.schemas[name] : schema;
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
  <td>${escapeHtml(p.description)}</td>
</tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>name</th><th>in</th><th>schema</th><th>description</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function operationSection(doc: OpenApiDocument, method: string, path: string, op: Operation): string {
  const roles = op.security.flatMap((requirement) => Object.values(requirement).flat());
  const auth = op.security.length
    ? `Bearer token; roles: ${roles.map((r) => `<code>${escapeHtml(r)}</code>`).join(', ')}`
    : 'No token needed.';
  const request = op.requestBody
    ? `<h4>Request body${op.requestBody.required ? ' <span class="req">required</span>' : ''}</h4>
${op.requestBody.description ? `<p>${escapeHtml(op.requestBody.description)}</p>` : ''}
${contentBlock(doc, op.requestBody.content, 'open')}`
    : '';
  const responses = Object.entries(op.responses)
    .map(
      ([status, response]) => `<tr class="status-${escapeHtml(status.charAt(0))}xx">
  <td><code>${escapeHtml(status)}</code></td>
  <td>${escapeHtml(response.description)}</td>
  <td>${contentBlock(doc, response.content, Number(status) < 400 ? 'folded' : 'link')}</td>
</tr>`,
    )
    .join('\n');
  return `<section class="operation" id="${escapeHtml(anchor('op', op.operationId))}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code class="path">${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(op.summary)}</p>
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
<p class="auth">${auth}</p>
<h4>Parameters</h4>
${parametersTable(op.parameters)}
${request}
<h4>Responses</h4>
<table><thead><tr><th>status</th><th>description</th><th>content</th></tr></thead><tbody>
${responses}
</tbody></table>
</section>`;
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #1d2125; }
code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f5f6f8; border: 1px solid #dde1e6; padding: .75em; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #dde1e6; padding: .35em .6em; text-align: left; vertical-align: top; }
th { background: #f5f6f8; }
.operation { border-top: 2px solid #dde1e6; margin-top: 2em; padding-top: .5em; }
.method { display: inline-block; min-width: 4.5em; text-align: center; color: #fff; border-radius: 3px; padding: 0 .4em; }
.get { background: #2f6fb3; } .post { background: #2e8540; } .put { background: #b36b00; } .delete { background: #b3261e; }
.summary { font-weight: 600; } .req { color: #b3261e; font-size: .85em; } .none { color: #6b7280; }
.inline-schema { word-break: break-all; } .media { margin: .25em 0; }
.status-4xx td:first-child, .status-5xx td:first-child { color: #b3261e; }
.status-2xx td:first-child { color: #2e8540; }
nav ul { columns: 2; } nav li { list-style: none; }
`;

/** The OpenAPI document as one readable, self-contained HTML page. */
export function openApiPage(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, op]) => (op ? [{ method, path, op }] : [])),
  );
  const byTag = doc.tags
    .map((tag) => ({ tag, ops: operations.filter(({ op }) => op.tags.includes(tag.name)) }))
    .filter(({ ops }) => ops.length);
  const untagged = operations.filter(({ op }) => !doc.tags.some((t) => op.tags.includes(t.name)));
  if (untagged.length) byTag.push({ tag: { name: 'Other', description: '' }, ops: untagged });

  const toc = byTag
    .flatMap(({ ops }) => ops)
    .map(
      ({ method, path, op }) =>
        `<li><a href="#${escapeHtml(anchor('op', op.operationId))}"><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code></a> ${escapeHtml(op.summary)}</li>`,
    )
    .join('\n');
  const sections = byTag
    .map(
      ({ tag, ops }) => `<h2>${escapeHtml(tag.name)}</h2>
${tag.description ? `<p>${escapeHtml(tag.description)}</p>` : ''}
${ops.map(({ method, path, op }) => operationSection(doc, method, path, op)).join('\n')}`,
    )
    .join('\n');
  const security = Object.entries(doc.components.securitySchemes)
    .map(
      ([name, scheme]) =>
        `<p><code>${escapeHtml(name)}</code> (${escapeHtml(scheme.type)} ${escapeHtml(scheme.scheme)}): ${escapeHtml(scheme.description)}</p>`,
    )
    .join('\n');
  const schemas = Object.entries(doc.components.schemas)
    .map(
      ([name, schema]) => `<section id="${escapeHtml(anchor('schema', name))}">
<h3>${escapeHtml(name)}</h3>
${typeof schema.description === 'string' ? `<p>${escapeHtml(schema.description)}</p>` : ''}
${pretty(schema)}
</section>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description)}</p>
<p>OpenAPI ${escapeHtml(doc.openapi)} document: <a href="openapi.json">openapi.json</a></p>
<h2>Authentication</h2>
${security}
<nav><h2>Operations</h2><ul>
${toc}
</ul></nav>
${sections}
<h2>Schemas</h2>
${schemas}
</body>
</html>
`;
}
