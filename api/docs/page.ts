import { operationSection } from './page-operation.js';
import { anchor, escapeHtml, pretty, STYLE } from './page-html.js';
import type { OpenAPIObject as OpenApiDocument, OperationObject, SecuritySchemeObject } from 'openapi3-ts/oas31';

// A readable reference of the API from its OpenAPI document: one self-contained HTML page (no script, no external
// stylesheet or font), every interpolated text escaped.

/** The OpenAPI document as one readable, self-contained HTML page. */
export function openApiPage(doc: OpenApiDocument): string {
  const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const op: OperationObject | undefined = item[method];
      return op ? [{ method, path, op }] : [];
    }),
  );
  const tags = doc.tags ?? [];
  const tagged = (op: OperationObject, name: string) => (op.tags ?? []).includes(name);
  const byTag = tags
    .map((tag) => ({ tag, ops: operations.filter(({ op }) => tagged(op, tag.name)) }))
    .filter(({ ops }) => ops.length);
  const untagged = operations.filter(({ op }) => !tags.some((t) => tagged(op, t.name)));
  if (untagged.length) byTag.push({ tag: { name: 'Other', description: '' }, ops: untagged });

  const toc = byTag
    .flatMap(({ ops }) => ops)
    .map(
      ({ method, path, op }) =>
        `<li><a href="#${escapeHtml(anchor('op', op.operationId ?? path))}"><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code></a> ${escapeHtml(op.summary ?? '')}</li>`,
    )
    .join('\n');
  const sections = byTag
    .map(
      ({ tag, ops }) => `<h2>${escapeHtml(tag.name)}</h2>
${tag.description ? `<p>${escapeHtml(tag.description)}</p>` : ''}
${ops.map(({ method, path, op }) => operationSection(doc, method, path, op)).join('\n')}`,
    )
    .join('\n');
  const security = Object.entries((doc.components?.securitySchemes ?? {}) as Record<string, SecuritySchemeObject>)
    .map(
      ([name, scheme]) =>
        `<p><code>${escapeHtml(name)}</code> (${escapeHtml(scheme.type)} ${escapeHtml(scheme.scheme ?? '')}): ${escapeHtml(scheme.description ?? '')}</p>`,
    )
    .join('\n');
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, schema]) => `<section id="${escapeHtml(anchor('schema', name))}">
<h3>${escapeHtml(name)}</h3>
${'description' in schema && schema.description ? `<p>${escapeHtml(schema.description)}</p>` : ''}
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
<p>${escapeHtml(doc.info.description ?? '')}</p>
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
