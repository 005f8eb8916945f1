/** Base class of every error the SDK raises. `retryable` says whether repeating the same call is safe and may succeed. */
export class WechatPayError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable;
  }
}
