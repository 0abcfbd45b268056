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
      return JSON.parse(text) as T;
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
