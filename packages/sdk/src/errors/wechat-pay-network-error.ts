import { WechatPayError } from './wechat-pay-error.js';

/** The request could not be completed at the transport level (DNS, connection refused or reset, TLS). */
export class WechatPayNetworkError extends WechatPayError {
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`${method} ${url}: network error: ${why}`, { retryable: true, cause });
    this.method = method;
    this.url = url;
  }
}
