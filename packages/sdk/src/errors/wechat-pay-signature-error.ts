import { WechatPayError } from './wechat-pay-error.js';

export type SignatureFailureReason =
  | 'MISSING_HEADER'
  | 'UNKNOWN_SERIAL'
  | 'BAD_SIGNATURE'
  | 'STALE_TIMESTAMP'
  | 'UNSUPPORTED_SIGNATURE_TYPE'
  /** A notification's body is missing or was parsed before it reached the SDK: no raw bytes to check. */
  | 'UNVERIFIABLE_BODY';

/**
 * A response or notification failed verification. Verification fails closed: the payload must not be trusted.
 * Not retryable as a matter of course: a forged or probe (`WECHATPAY/SIGNTEST/`) signature will not fix itself.
 */
export class WechatPaySignatureError extends WechatPayError {
  readonly reason: SignatureFailureReason;
  readonly header: string | undefined;
  readonly serial: string | undefined;

  constructor(
    reason: SignatureFailureReason,
    message: string,
    extra: { header?: string; serial?: string } = {},
  ) {
    super(message, { retryable: false });
    this.reason = reason;
    this.header = extra.header;
    this.serial = extra.serial;
  }
}
