export interface HttpRequest {
  method: string;
  /** Absolute URL: the base URL (scheme, host, port) followed by the path and query. */
  url: string;
  headers: Record<string, string>;
  /** Sent byte for byte (UTF-8); it is what was signed. */
  body?: string | undefined;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body exactly as received; signature verification runs over these bytes. */
  bodyBytes: Uint8Array;
  /** `bodyBytes` decoded as UTF-8, a leading BOM kept. */
  body: string;
}

export interface SendOptions {
  /** Per-attempt budget covering the connection, the headers and the whole body. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Sends one HTTP request and reads the whole response. Failures map to the SDK's errors: the caller's
 * signal → `WechatPayAbortError`, the timeout → `WechatPayTimeoutError`, anything else at transport level →
 * `WechatPayNetworkError`. An HTTP error status is not a failure here; the caller interprets it.
 * Redirects are never followed: APIv3 does not redirect, and following one would carry the signed request
 * somewhere unverified.
 */
export type HttpSender = (request: HttpRequest, options: SendOptions) => Promise<HttpResponse>;
