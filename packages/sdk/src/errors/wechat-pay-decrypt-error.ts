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

  constructor(reason: DecryptFailureReason, message: string, cause?: unknown) {
    super(message, { retryable: false, cause });
    this.reason = reason;
  }
}
