import { Hono } from 'hono';
import { openApiDocument } from './document.js';
import { openApiPage } from './page.js';

// The document and its reference page are generated once, when the app is built: the answers never change.

/** GET /openapi.json and GET /docs; neither needs a token. Mount with `app.route('/', openApiRoutes(languages))`. */
export function openApiRoutes(languages: readonly string[]) {
  const doc = openApiDocument(languages);
  const text = JSON.stringify(doc);
  const page = openApiPage(doc);
  return new Hono()
    .get('/openapi.json', (c) => c.body(text, 200, { 'Content-Type': 'application/json; charset=utf-8' }))
    .get('/docs', (c) => {
      // The page is self-contained: nothing to load, no script to run.
      c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      return c.html(page);
    });
}
