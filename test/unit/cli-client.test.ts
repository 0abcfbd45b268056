import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  DispatchClient,
  HttpError,
  MAX_LIST_PAGES,
  nextLink,
  type ClientOptions,
} from '../../cli/client.js';

type Seen = { url: string; init: RequestInit };

function clientAnswering(response: () => Response, seen: Seen[] = [], options: Partial<ClientOptions> = {}) {
  const fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return response();
  }) as unknown as typeof globalThis.fetch;
  return new DispatchClient({ server: 'http://api.test:8080/', organization: 'acme', fetch, ...options });
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('DispatchClient', () => {
  it('sends the org header and a JSON body to the server address, without a doubled slash', async () => {
    const seen: Seen[] = [];
    const client = clientAnswering(() => json(201, { name: 'py' }), seen);
    expect(await client.post('/v1/baseimage', { name: 'py' })).toEqual({ name: 'py' });
    const [request] = seen;
    expect(request?.url).toBe('http://api.test:8080/v1/baseimage');
    expect(request?.init.method).toBe('POST');
    expect(request?.init.headers).toMatchObject({ 'X-Dispatch-Org': 'acme', 'Content-Type': 'application/json' });
    expect(request?.init.body).toBe('{"name":"py"}');
  });

  it('sends the bearer token when there is one, and the org header only when an org was chosen', async () => {
    const seen: Seen[] = [];
    const client = clientAnswering(() => json(200, []), seen, { organization: undefined, token: 'dsp_secret' });
    await client.get('/v1/image');
    await client.stream('/v1/image/x/logs');
    for (const { init } of seen) {
      expect(init.headers).toMatchObject({ Authorization: 'Bearer dsp_secret' });
      expect(init.headers).not.toHaveProperty('X-Dispatch-Org');
    }
  });

  it('posts text bodies, such as a YAML bundle, with their content type', async () => {
    const seen: Seen[] = [];
    const client = clientAnswering(() => json(200, { results: [] }), seen);
    await client.postText('/v1/bundle?operation=create', 'kind: Image\n', 'application/yaml');
    expect(seen[0]?.init).toMatchObject({ method: 'POST', body: 'kind: Image\n' });
    expect(seen[0]?.init.headers).toMatchObject({ 'Content-Type': 'application/yaml' });
  });

  it('adds the hint to a 401, and never the token itself', async () => {
    const refused = () => json(401, { code: 401, message: 'invalid bearer token' });
    const options = { token: 'dsp_secret', unauthorizedHint: 'the token in DISPATCH_TOKEN was refused' };
    const error = await clientAnswering(refused, [], options)
      .get('/v1/image')
      .catch((err: unknown) => err);
    expect(String(error)).toBe('[Code: 401] invalid bearer token (the token in DISPATCH_TOKEN was refused)');
    expect(String(error)).not.toContain('dsp_secret');
  });

  it('turns an error body into an HttpError printed as [Code: N] message', async () => {
    const client = clientAnswering(() => json(409, { code: 409, message: 'base image py already exists' }));
    const error = await client.get('/v1/baseimage/py').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HttpError);
    expect(String(error)).toBe('[Code: 409] base image py already exists');
  });

  it('falls back to the status text when the error body is not the API shape', async () => {
    const page = () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    const client = clientAnswering(page);
    await expect(client.get('/v1/baseimage')).rejects.toThrow('Bad Gateway');
  });

  it('names the server when it cannot be reached', async () => {
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8080') });
    const client = clientAnswering(() => {
      throw refused;
    });
    const error = await client.get('/v1/baseimage').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe(
      'could not reach the Dispatch API at http://api.test:8080: connect ECONNREFUSED 127.0.0.1:8080',
    );
  });
});

describe('DispatchClient.getAll', () => {
  /** A fake API serving `pages` of a list under /v1/image, each naming the next by `link(i)`. */
  function pagedClient(pages: unknown[][], link: (i: number) => string | undefined, server = 'http://api.test:8080') {
    const seen: string[] = [];
    const fetch = (async (url: string) => {
      seen.push(url);
      const i = Number(new URL(url).searchParams.get('cursor') ?? 0);
      const next = link(i);
      const headers: Record<string, string> = next ? { Link: `<${next}>; rel="next"` } : {};
      return new Response(JSON.stringify(pages[i] ?? []), { status: 200, headers });
    }) as unknown as typeof globalThis.fetch;
    return { client: new DispatchClient({ server, fetch }), seen };
  }

  it('follows rel=next from the server root until a page has none', async () => {
    const pages = [[1, 2], [3, 4], [5]];
    const { client, seen } = pagedClient(pages, (i) => (i < 2 ? `/v1/image?limit=2&cursor=${i + 1}` : undefined));
    expect(await client.getAll('/v1/image?limit=2')).toEqual([1, 2, 3, 4, 5]);
    expect(seen).toEqual([
      'http://api.test:8080/v1/image?limit=2',
      'http://api.test:8080/v1/image?limit=2&cursor=1',
      'http://api.test:8080/v1/image?limit=2&cursor=2',
    ]);
  });

  it('keeps the path prefix of the server address (a proxy), and takes full links under it', async () => {
    const server = 'http://proxy.test/dispatch';
    const { client, seen } = pagedClient(
      [[1], [2], [3]],
      (i) => (i === 0 ? '/v1/image?cursor=1' : i === 1 ? `${server}/v1/image?cursor=2` : undefined),
      server,
    );
    expect(await client.getAll('/v1/image')).toEqual([1, 2, 3]);
    expect(seen).toEqual([`${server}/v1/image`, `${server}/v1/image?cursor=1`, `${server}/v1/image?cursor=2`]);
  });

  it('refuses a next link to another server: the token would go along', async () => {
    const { client, seen } = pagedClient([[1], [2]], () => 'http://elsewhere.test/v1/image?cursor=1');
    await expect(client.getAll('/v1/image')).rejects.toThrow(/not on http:\/\/api.test:8080/);
    expect(seen).toHaveLength(1);
  });

  it('refuses a next link equal to the current page instead of looping', async () => {
    const { client, seen } = pagedClient([[1]], () => '/v1/image?cursor=0');
    await expect(client.getAll('/v1/image?cursor=0')).rejects.toThrow(/the next page is this page again/);
    expect(seen).toHaveLength(1);
  });

  it(`stops after ${MAX_LIST_PAGES} pages of a list that never ends`, async () => {
    const { client, seen } = pagedClient([], (i) => `/v1/image?cursor=${i + 1}`);
    await expect(client.getAll('/v1/image')).rejects.toThrow(`more than ${MAX_LIST_PAGES} pages`);
    expect(seen).toHaveLength(MAX_LIST_PAGES);
  });

  it('refuses an answer that is not a list', async () => {
    const { client } = pagedClient([{ name: 'x' } as unknown as unknown[]], () => undefined);
    await expect(client.getAll('/v1/image')).rejects.toThrow('did not answer a list');
  });

  it('reads rel=next among several links', () => {
    expect(nextLink('</a>; rel="prev", </b?cursor=x>; rel="next"')).toBe('/b?cursor=x');
    expect(nextLink('</a>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});
