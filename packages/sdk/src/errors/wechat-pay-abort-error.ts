import { WechatPayError } from './wechat-pay-error.js';

/** The caller's AbortSignal fired. Never retried by the SDK. */
export class WechatPayAbortError extends WechatPayError {
  constructor(method: string, url: string, cause?: unknown) {
    super(`${method} ${url}: aborted by the caller`, { retryable: false, cause });
  }
}
