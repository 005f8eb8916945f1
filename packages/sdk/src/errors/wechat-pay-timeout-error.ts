import { WechatPayError } from './wechat-pay-error.js';

/**
 * No response within the per-call timeout. Retryable, but the request may have reached WeChat Pay:
 * for writes, query before re-creating under a new out-number.
 */
export class WechatPayTimeoutError extends WechatPayError {
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;

  constructor(method: string, url: string, timeoutMs: number) {
    super(`${method} ${url}: no response within ${timeoutMs} ms`, { retryable: true });
    this.method = method;
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}
