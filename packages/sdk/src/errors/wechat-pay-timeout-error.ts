import { WechatPayError } from './wechat-pay-error.js';

/**
 * No response within the per-attempt timeout, or the call ran out of its overall `deadlineMs`. Retryable, but the
 * request may have reached WeChat Pay: for writes, query before re-creating under a new out-number.
 */
export class WechatPayTimeoutError extends WechatPayError {
  readonly method: string;
  readonly url: string;
  /** The per-attempt timeout, or the call's deadline when `deadlineMs` is set. */
  readonly timeoutMs: number;
  /** Set when the call's overall deadline passed. */
  readonly deadlineMs: number | undefined;
  /** How many attempts were made before the deadline passed. */
  readonly attempts: number | undefined;

  constructor(
    method: string,
    url: string,
    timeoutMs: number,
    deadline?: { attempts: number; cause?: unknown },
  ) {
    super(
      deadline
        ? `${method} ${url}: no response within the call's deadline of ${timeoutMs} ms after ${deadline.attempts} attempt(s)`
        : `${method} ${url}: no response within ${timeoutMs} ms`,
      { retryable: true, cause: deadline?.cause },
    );
    this.method = method;
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.deadlineMs = deadline ? timeoutMs : undefined;
    this.attempts = deadline?.attempts;
  }
}
