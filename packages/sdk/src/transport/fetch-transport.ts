import { WechatPayAbortError, WechatPayNetworkError, WechatPayTimeoutError } from '../errors/index.js';

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  /** Sent byte for byte (UTF-8); it is what was signed. */
  body?: string | undefined;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The body exactly as received; signature verification runs over these bytes. */
  bodyBytes: Uint8Array;
  /** `bodyBytes` decoded as UTF-8, a leading BOM kept. */
  body: string;
}

export interface SendOptions {
  fetch: FetchFunction;
  /** Per-attempt budget covering the connection, the headers and the whole body. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

// `Response.text()` would strip a BOM, and a body that differs by one byte no longer verifies.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Sends one HTTP request and reads the whole response. Failures map to the SDK's errors: the caller's
 * signal → `WechatPayAbortError`, the timeout → `WechatPayTimeoutError`, anything else at transport level →
 * `WechatPayNetworkError`. An HTTP error status is not a failure here; the caller interprets it.
 */
export async function sendHttpRequest(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  const { signal } = options;
  if (signal?.aborted) throw new WechatPayAbortError(request.method, request.url, signal.reason);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;

  const fail = (cause: unknown): never => {
    if (signal?.aborted) throw new WechatPayAbortError(request.method, request.url, signal.reason);
    if (timeout.aborted) throw new WechatPayTimeoutError(request.method, request.url, options.timeoutMs);
    throw new WechatPayNetworkError(request.method, request.url, cause);
  };

  let response: Response;
  try {
    response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: combined,
      // APIv3 never redirects; following one would carry the signed request somewhere unverified.
      redirect: 'manual',
    });
  } catch (cause) {
    return fail(cause);
  }

  let bodyBytes: Uint8Array;
  try {
    bodyBytes = new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    return fail(cause);
  }

  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { status: response.status, headers, bodyBytes, body: utf8.decode(bodyBytes) };
}
