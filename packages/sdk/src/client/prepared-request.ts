import type { HttpResponse } from '../transport/http-exchange.js';

/** One logical call, ready to be signed and sent (as many times as retries need). */
export interface PreparedRequest {
  /** The operation name (`transferBills.cancel`) or, for `request()`, `METHOD /path/{template}`; for hooks. */
  label: string;
  /** The catalogue operation, if any; named in API errors. */
  operation: string | undefined;
  method: string;
  /** Canonical URL: the path with encoded parameters plus the query string, exactly as signed and sent. */
  pathAndQuery: string;
  /** The serialized JSON body, signed byte for byte; `undefined` sends no body. */
  body: string | undefined;
  /** Key id to send as `Wechatpay-Serial`, when the request needs one. */
  wechatpaySerial: string | undefined;
  /** Whether a 2xx must carry a JSON body (the operation documents one); `request()` accepts none. */
  expectsBody: boolean;
  /** JSON pointers of response fields to decrypt with the merchant private key. */
  responseSensitive: readonly string[];
  /** The operation's documented rate; `undefined` applies no client-side limit. */
  ratePerSecond: number | undefined;
  /**
   * Replaces the usual verification with the client's keys, for a response that carries its own keys
   * (`GET /v3/certificates`). Throws to fail the attempt; `nowSeconds` is the client's clock.
   */
  verifyResponse?: ((response: HttpResponse, nowSeconds: number) => Promise<void>) | undefined;
}
