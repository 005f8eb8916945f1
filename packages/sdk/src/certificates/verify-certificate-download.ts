import { WechatPayCertificateError } from '../errors/wechat-pay-certificate-error.js';
import { WechatPaySignatureError } from '../errors/wechat-pay-signature-error.js';
import type { HeadersLike } from '../protocol/headers.js';
import { getHeader } from '../protocol/headers.js';
import { PlatformKeyring } from '../protocol/platform-keyring.js';
import type { MessageBody } from '../protocol/sign-message.js';
import { verifySignedMessage } from '../protocol/verify-response.js';
import {
  CERTIFICATES_PATH,
  type OpenedPlatformCertificate,
  openCertificateEntry,
  parseCertificateDownload,
} from './certificate-download.js';

export interface VerifyCertificateDownloadInput {
  headers: HeadersLike;
  /** The raw body exactly as received. */
  body: MessageBody;
  apiV3Key: string;
  /** Current time, Unix seconds. */
  now: number;
  /** Keys already trusted that may have signed the download: the configured public key, kept certificates. */
  trusted?: PlatformKeyring | undefined;
}

/**
 * Opens a `GET /v3/certificates` answer: parse, decrypt and check every entry, then verify the answer's own
 * signature with the keys it carries, or with a key already trusted if the answer names one. The bootstrap is sound because only WeChat
 * Pay and the merchant hold the APIv3 key that authenticated each certificate. Fails closed with a
 * `WechatPayCertificateError`: one bad entry rejects the whole download.
 */
export async function verifyCertificateDownload(
  input: VerifyCertificateDownloadInput,
): Promise<OpenedPlatformCertificate[]> {
  let parsed: unknown;
  try {
    const text = typeof input.body === 'string' ? input.body : Buffer.from(input.body).toString('utf8');
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new WechatPayCertificateError(
      'MALFORMED_RESPONSE',
      `GET ${CERTIFICATES_PATH}: the body is not JSON`,
      {
        cause,
      },
    );
  }
  const opened = parseCertificateDownload(parsed).map((entry) => openCertificateEntry(entry, input.apiV3Key));
  // The serial the answer names picks the keyring: one already trusted (the public key of a migrating
  // merchant, or a kept certificate), else the certificates this very answer carries.
  const serial = getHeader(input.headers, 'Wechatpay-Serial') ?? '';
  const keyring =
    input.trusted?.find(serial, input.now) !== undefined
      ? input.trusted
      : new PlatformKeyring({ certificates: opened.map((o) => o.certificate.pem) });
  try {
    await verifySignedMessage({ headers: input.headers, body: input.body, keyring, now: input.now });
  } catch (error) {
    if (!(error instanceof WechatPaySignatureError)) throw error;
    throw new WechatPayCertificateError(
      'UNVERIFIED_DOWNLOAD',
      `GET ${CERTIFICATES_PATH}: the answer's signature does not check out with the certificates it carries ` +
        `(${error.reason}: ${error.message}); none of them is trusted`,
      { serial: error.serial, cause: error },
    );
  }
  return opened;
}
