// A small fetch-based client for the Dispatch REST API. Every request carries the org header; every failure becomes
// one of two error types that main.ts prints without a stack trace.

export const ORG_HEADER = 'X-Dispatch-Org';

/** An answer from the API that is not a success: printed as the original CLI did, `[Code: 404] message`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
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

export type ClientOptions = { server: string; organization: string; fetch?: typeof fetch };

export class DispatchClient {
  readonly server: string;
  private readonly organization: string;
  private readonly fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.organization = options.organization;
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

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { [ORG_HEADER]: this.organization, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.server + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await response.text();
    } catch (err) {
      throw new ConnectionError(this.server, err);
    }
    if (!response.ok) throw new ApiError(response.status, errorMessage(text, response.statusText));
    try {
      return JSON.parse(text) as T;
    } catch {
      // Something answered, but not our API (a proxy page, another service on the port).
      throw new ApiError(response.status, `${method} ${path}: the server at ${this.server} did not answer JSON`);
    }
  }

  /**
   * GETs a text body (a build log) to be read as it arrives rather than buffered: a followed log lasts as long as
   * the build. Failures before the body starts are reported as request() reports them.
   */
  async stream(path: string): Promise<ReadableStream<Uint8Array>> {
    let response: Response;
    try {
      response = await this.fetch(this.server + path, {
        headers: { [ORG_HEADER]: this.organization, Accept: 'text/plain' },
      });
    } catch (err) {
      throw new ConnectionError(this.server, err);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new ApiError(response.status, errorMessage(text, response.statusText));
    }
    return response.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
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
