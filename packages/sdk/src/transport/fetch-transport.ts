import { WechatPayAbortError, WechatPayNetworkError, WechatPayTimeoutError } from '../errors/index.js';
import type { HttpSender } from './http-exchange.js';

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

// `Response.text()` would strip a BOM, and a body that differs by one byte no longer verifies.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The transport for a user-supplied `fetch` (a test double, an undici dispatcher, an edge runtime's fetch).
 * The default transport is node:http (`createNodeHttpSender`), which skips web streams and signal plumbing.
 */
export function createFetchSender(fetchFunction: FetchFunction): HttpSender {
  return async (request, options) => {
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
      response = await fetchFunction(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: combined,
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
  };
}
