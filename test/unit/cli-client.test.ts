import { describe, expect, it } from 'vitest';
import { HttpError, ConnectionError, DispatchClient, type ClientOptions } from '../../cli/client.js';

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
