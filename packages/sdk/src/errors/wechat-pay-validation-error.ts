import { WechatPayError } from './wechat-pay-error.js';

export type ValidationLocation = 'url' | 'query' | 'body' | 'header';

/** The caller's input does not match the catalogue. Raised before anything is sent. */
export class WechatPayValidationError extends WechatPayError {
  readonly operation: string;
  /** JSON pointer to the offending input, e.g. `/transfer_amount` or `/payee_info/account_type`. */
  readonly field: string;
  readonly value: unknown;
  readonly issue: string;
  readonly location: ValidationLocation;

  constructor(init: {
    operation: string;
    field: string;
    value: unknown;
    issue: string;
    location: ValidationLocation;
  }) {
    super(`${init.operation}: invalid ${init.location} field ${init.field || '/'}: ${init.issue}`, {
      retryable: false,
    });
    this.operation = init.operation;
    this.field = init.field;
    this.value = init.value;
    this.issue = init.issue;
    this.location = init.location;
  }
}
