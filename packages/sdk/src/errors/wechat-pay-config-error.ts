import { WechatPayError } from './wechat-pay-error.js';

/** The SDK was configured with something unusable: a key file that does not exist, a PEM that does not parse. */
export class WechatPayConfigError extends WechatPayError {
  /** Which option or input was wrong, e.g. `privateKey` or `wechatpayPublicKey.key`. */
  readonly input: string;

  constructor(input: string, message: string, cause?: unknown) {
    super(`${input}: ${message}`, { retryable: false, cause });
    this.input = input;
  }
}
