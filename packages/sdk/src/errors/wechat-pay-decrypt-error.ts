import { WechatPayError } from './wechat-pay-error.js';

export type DecryptFailureReason =
  | 'BAD_KEY'
  | 'UNSUPPORTED_ALGORITHM'
  | 'MALFORMED_INPUT'
  | 'AUTHENTICATION_FAILED'
  | 'INVALID_JSON';

/** AES-256-GCM or RSA-OAEP decryption failed, or the plaintext was not what was expected. */
export class WechatPayDecryptError extends WechatPayError {
  readonly reason: DecryptFailureReason;
  /** Set when a field of a verified 2xx answer failed to decrypt: the call itself succeeded. */
  readonly requestId: string | undefined;
  /** The raw body of that answer (sensitive fields still encrypted), to recover the rest of the result. */
  readonly body: string | undefined;

  constructor(
    reason: DecryptFailureReason,
    message: string,
    cause?: unknown,
    response: { requestId?: string | undefined; body?: string | undefined } = {},
  ) {
    super(message, { retryable: false, cause });
    this.reason = reason;
    this.requestId = response.requestId;
    this.body = response.body;
  }
}
