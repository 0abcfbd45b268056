import { describe, expect, it } from 'vitest';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { openApiPage } from '../../api/docs/page.js';
import { escapeHtml } from '../../api/docs/page-html.js';
import { app, EXPECTED_OPERATIONS, fetchDocument } from '../helpers/openapi.js';

// The reference page: self-contained, listing every operation, escaping what it interpolates.

describe('GET /docs', () => {
  it('is a self-contained HTML page listing every operation', async () => {
    const res = await app().request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    for (const [path, methods] of EXPECTED_OPERATIONS) {
      expect(html).toContain(escapeHtml(path));
      for (const method of methods) expect(html).toContain(`${method.toUpperCase()}</span> <code class="path">`);
    }
    expect(html).not.toMatch(/<script|<link|<img|@import|\bsrc=/i);
    expect(html).not.toMatch(/https?:\/\//);
    // Schemas are pretty-printed (and escaped).
    expect(html).toContain('&quot;required&quot;: [');
  });

  it('escapes everything it interpolates', async () => {
    const doc = await fetchDocument();
    doc.info.title = '<script>alert(1)</script>';
    doc.paths['/v1/image']!.get!.summary = '"><img src=x onerror=alert(1)>';
    doc.paths['/v1/image']!.get!.parameters[0]!.description = "it's <b>bold</b> & more";
    const html = openApiPage(doc as unknown as OpenAPIObject);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('it&#39;s &lt;b&gt;bold&lt;/b&gt; &amp; more');
  });
});
