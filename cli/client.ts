// A small fetch-based client for the Dispatch REST API. Every request carries the bearer token (and the org header
// when the user chose an org); every failure becomes one of two error types that main.ts prints without a stack
// trace. The token goes into a header only: never into a URL or a message, so no error output can show it.

export const ORG_HEADER = 'X-Dispatch-Org';

/** An answer from the API that is not a success: printed as the original CLI did, `[Code: 404] message`. */
export class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  override toString(): string {
    return `[Code: ${this.code}] ${this.message}`;
  }
}

/** The API could not be reached at all (refused, DNS, TLS, timeout); names the address so a wrong --server shows. */
export class ConnectionError extends Error {
  constructor(server: string, cause: unknown) {
    super(`could not reach the Dispatch API at ${server}: ${describeCause(cause)}`);
    this.name = 'ConnectionError';
  }
}

/**
 * The most pages one list is followed for: 100,000 items at the default page size, far beyond a real list, and
 * still an end should a server keep answering new links.
 */
export const MAX_LIST_PAGES = 1000;

/** The target of `Link: <...>; rel="next"` (one of possibly several comma-separated links), if there is one. */
export function nextLink(header: string | null): string | undefined {
  for (const part of header?.split(',') ?? []) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(^|;)\s*rel="?next"?\s*(;|$)/i.test(match[2]!)) return match[1];
  }
  return undefined;
}

export type ClientOptions = {
  server: string;
  organization?: string;
  token?: string;
  /** Appended to a 401's message: which setting held the refused token, or how to give one. */
  unauthorizedHint?: string;
  fetch?: typeof fetch;
};

export class DispatchClient {
  readonly server: string;
  private readonly options: ClientOptions;
  private readonly fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.options = options;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /**
   * GETs every item of a paged list: the API answers a page as a JSON array and names the next one in
   * `Link: <...>; rel="next"`, which is followed until a page has none.
   */
  async getAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    for (let page: string | undefined = path, pages = 0; page !== undefined; pages++) {
      if (pages === MAX_LIST_PAGES) throw new HttpError(0, `GET ${path}: more than ${MAX_LIST_PAGES} pages; stopped`);
      const { value, headers } = await this.exchange<T[]>('GET', page);
      if (!Array.isArray(value)) throw new HttpError(200, `GET ${page}: the server did not answer a list`);
      items.push(...value);
      const next = this.pathOf(nextLink(headers.get('Link')), page);
      // A server answering the same page again would be followed for ever.
      if (next === page) throw new HttpError(200, `GET ${page}: the next page is this page again; stopped`);
      page = next;
    }
    return items;
  }

  /**
   * A Link target as a path under the server address. The API writes it from the root ("/v1/image?cursor=..."),
   * which stays right behind a proxy that adds a prefix; a full URL is followed only when it lies under the server
   * address, since the token goes along with every request.
   */
  private pathOf(link: string | undefined, current: string): string | undefined {
    if (link === undefined) return undefined;
    if (link.startsWith('/') && !link.startsWith('//')) return link;
    if (link.startsWith(`${this.server}/`)) return link.slice(this.server.length);
    throw new HttpError(200, `GET ${current}: the next page is not on ${this.server} (${link}); stopped`);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** POSTs a body that is already text in another format (a YAML bundle), answering the JSON reply. */
  postText<T>(path: string, text: string, contentType: string): Promise<T> {
    return this.send<T>('POST', path, { text, contentType });
  }

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const raw = body === undefined ? undefined : { text: JSON.stringify(body), contentType: 'application/json' };
    return this.send<T>(method, path, raw);
  }

  private async send<T>(method: string, path: string, body?: { text: string; contentType: string }): Promise<T> {
    return (await this.exchange<T>(method, path, body)).value;
  }

  /** One request and its JSON answer, with the answer's headers (a list's Link). */
  private async exchange<T>(
    method: string,
    path: string,
    body?: { text: string; contentType: string },
  ): Promise<{ value: T; headers: Headers }> {
    const headers = this.headers('application/json');
    if (body) headers['Content-Type'] = body.contentType;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.server + path, { method, headers, body: body?.text });
      text = await response.text();
    } catch (err) {
      throw new ConnectionError(this.server, err);
    }
    if (!response.ok) throw this.apiError(response, text);
    try {
      return { value: JSON.parse(text) as T, headers: response.headers };
    } catch {
      // Something answered, but not our API (a proxy page, another service on the port).
      throw new HttpError(response.status, `${method} ${path}: the server at ${this.server} did not answer JSON`);
    }
  }

  /**
   * GETs a text body (a build log) to be read as it arrives rather than buffered: a followed log lasts as long as
   * the build. Failures before the body starts are reported as request() reports them.
   */
  async stream(path: string): Promise<ReadableStream<Uint8Array>> {
    let response: Response;
    try {
      response = await this.fetch(this.server + path, { headers: this.headers('text/plain') });
    } catch (err) {
      throw new ConnectionError(this.server, err);
    }
    if (!response.ok) throw this.apiError(response, await response.text().catch(() => ''));
    return response.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  }

  private headers(accept: string): Record<string, string> {
    const headers: Record<string, string> = { Accept: accept };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (this.options.organization) headers[ORG_HEADER] = this.options.organization;
    return headers;
  }

  private apiError(response: Response, text: string): HttpError {
    const message = errorMessage(text, response.statusText);
    const hint = response.status === 401 ? this.options.unauthorizedHint : undefined;
    return new HttpError(response.status, hint ? `${message} (${hint})` : message);
  }
}

/** The API's `{code, message}` body; anything else (a proxy's HTML page) falls back to the HTTP status text. */
function errorMessage(text: string, statusText: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body?.message === 'string' && body.message) return body.message;
  } catch {
    // not JSON: use the status text below
  }
  return statusText || 'request failed';
}

// fetch rejects with a bare "fetch failed" TypeError; the useful part (ECONNREFUSED, ENOTFOUND ...) is the cause.
export function describeCause(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (cause instanceof AggregateError && cause.errors.length > 0) return describeCause(cause.errors[0]);
  return cause instanceof Error ? cause.message : String(cause);
}
