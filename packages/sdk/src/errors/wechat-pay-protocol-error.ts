import { WechatPayError } from './wechat-pay-error.js';

/**
 * A verified 2xx answer that does not have the shape the operation documents (no body, or a body that is not
 * JSON). The call itself may have succeeded, so it is not retryable: query the resource before repeating it.
 */
export class WechatPayProtocolError extends WechatPayError {
  readonly status: number;
  readonly requestId: string | undefined;
  /** The catalogue operation, or `undefined` for `request()`. */
  readonly operation: string | undefined;

  constructor(init: {
    message: string;
    status: number;
    requestId: string | undefined;
    operation: string | undefined;
    cause?: unknown;
  }) {
    super(init.message, { retryable: false, cause: init.cause });
    this.status = init.status;
    this.requestId = init.requestId;
    this.operation = init.operation;
  }
}
