import { WechatPayError } from '../errors/wechat-pay-error.js';

/**
 * Why an `Authorization` header could not be parsed. The emulator maps these to WeChat Pay's 401 messages:
 * SCHEME → 认证类型不正确, FORMAT / MISSING_ATTRIBUTE / DUPLICATE_ATTRIBUTE → 值格式错误.
 */
export type AuthorizationParseReason = 'SCHEME' | 'FORMAT' | 'MISSING_ATTRIBUTE' | 'DUPLICATE_ATTRIBUTE';

export class AuthorizationParseError extends WechatPayError {
  readonly reason: AuthorizationParseReason;
  /** The attribute concerned, when there is one (`mchid`, `nonce_str`, `signature`, `timestamp`, `serial_no`). */
  readonly attribute: string | undefined;

  constructor(reason: AuthorizationParseReason, message: string, attribute?: string) {
    super(message, { retryable: false });
    this.reason = reason;
    this.attribute = attribute;
  }
}
