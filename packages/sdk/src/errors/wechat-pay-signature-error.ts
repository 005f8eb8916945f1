import { WechatPayError } from './wechat-pay-error.js';

export type SignatureFailureReason =
  | 'MISSING_HEADER'
  | 'UNKNOWN_SERIAL'
  | 'BAD_SIGNATURE'
  | 'STALE_TIMESTAMP'
  | 'UNSUPPORTED_SIGNATURE_TYPE'
  /** A notification's body is missing or was parsed before it reached the SDK: no raw bytes to check. */
  | 'UNVERIFIABLE_BODY';

/** What a failed verification can say besides its reason: the header at fault and, for a response, the answer. */
export interface SignatureErrorDetails {
  header?: string | undefined;
  serial?: string | undefined;
  /** The answer's `Request-ID`, for a response (notifications carry none): quote it to WeChat Pay support. */
  requestId?: string | undefined;
  /** The answer's HTTP status, for a response. */
  status?: number | undefined;
}

/**
 * A response or notification failed verification. Verification fails closed: the payload must not be trusted.
 * Not retryable as a matter of course: a forged or probe (`WECHATPAY/SIGNTEST/`) signature will not fix itself.
 * For a response, `requestId` and `status` say which answer failed, as on `WechatPayApiError`.
 */
export class WechatPaySignatureError extends WechatPayError {
  readonly reason: SignatureFailureReason;
  readonly header: string | undefined;
  readonly serial: string | undefined;
  readonly requestId: string | undefined;
  readonly status: number | undefined;

  constructor(reason: SignatureFailureReason, message: string, extra: SignatureErrorDetails = {}) {
    super(message, { retryable: false });
    this.reason = reason;
    this.header = extra.header;
    this.serial = extra.serial;
    this.requestId = extra.requestId;
    this.status = extra.status;
  }
}
