import { WechatPayError } from './wechat-pay-error.js';

export type CertificateFailureReason =
  /** `GET /v3/certificates` itself failed (network, timeout, an API error); `cause` holds that error. */
  | 'DOWNLOAD_FAILED'
  /** The merchant has no platform certificate (new merchants get only the WeChat Pay public key). */
  | 'NO_CERTIFICATES'
  /** The download is not the documented shape (`data[]` entries with `encrypt_certificate`). */
  | 'MALFORMED_RESPONSE'
  /** An entry did not decrypt with the APIv3 key (wrong key, or tampered ciphertext). */
  | 'DECRYPT_FAILED'
  /** An entry decrypted to something that is not an X.509 certificate. */
  | 'INVALID_CERTIFICATE'
  /** An entry's `serial_no` is not the serial of the certificate it carries. */
  | 'SERIAL_MISMATCH'
  /** The download's own signature does not verify with the certificates it carries (or already trusted ones). */
  | 'UNVERIFIED_DOWNLOAD'
  /** The `PlatformCertificateStore` rejected; `cause` holds its error. */
  | 'STORE_FAILED';

/**
 * Managed platform certificates (`platformCertificates: 'auto'`) could not be obtained. Fails closed: nothing
 * from a download that does not check out is trusted. `retryable` is true only for `DOWNLOAD_FAILED` and
 * `STORE_FAILED` caused by something transient.
 */
export class WechatPayCertificateError extends WechatPayError {
  readonly reason: CertificateFailureReason;
  /** The `serial_no` of the entry at fault, when one is. */
  readonly serial: string | undefined;

  constructor(
    reason: CertificateFailureReason,
    message: string,
    extra: { serial?: string | undefined; cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, { retryable: extra.retryable ?? false, cause: extra.cause });
    this.reason = reason;
    this.serial = extra.serial;
  }
}
