import { WechatPaySignatureError } from '../errors/wechat-pay-signature-error.js';
import { AUTHORIZATION_SCHEME } from './authorization-header.js';
import { getHeader, type HeadersLike } from './headers.js';
import { describeValidity, type PlatformKeyring, PUBLIC_KEY_ID_PREFIX } from './platform-keyring.js';
import { verifySha256WithRsaSync } from './rsa-sha256.js';
import { buildResponseSignMessage, type MessageBody } from './sign-message.js';

/** WeChat Pay's window for request, response and notification timestamps: 5 minutes either way. */
export const MAX_SKEW_SECONDS = 300;

export interface VerifySignedMessageInput {
  headers: HeadersLike;
  /** The raw body exactly as received: the signature covers these bytes, not a re-serialised object. */
  body: MessageBody;
  keyring: PlatformKeyring;
  /** Current time, Unix seconds. */
  now: number;
  maxSkewSeconds?: number;
}

const REQUIRED_HEADERS = [
  'Wechatpay-Timestamp',
  'Wechatpay-Nonce',
  'Wechatpay-Signature',
  'Wechatpay-Serial',
] as const;

const REFRESH_HINT =
  "refresh the platform certificates (platformCertificates: 'auto' does it; by hand, download GET /v3/certificates " +
  'and pass each to wxpay.addPlatformCertificate)';

function unknownSerialMessage(serial: string, keyring: PlatformKeyring, now: number): string {
  if (serial.startsWith(PUBLIC_KEY_ID_PREFIX)) {
    return keyring.publicKeyId
      ? `Wechatpay-Serial ${serial} does not match the configured WeChat Pay public key id ${keyring.publicKeyId}`
      : `Wechatpay-Serial ${serial} names a WeChat Pay public key, but none is configured`;
  }
  const certificate = keyring.certificate(serial);
  if (certificate) {
    return `Wechatpay-Serial names platform certificate ${describeValidity(certificate, now)}; ${REFRESH_HINT}`;
  }
  const known = keyring.certificates.map((c) => c.serialNo).join(', ') || 'none';
  return `Wechatpay-Serial ${serial} matches no platform certificate (known: ${known}); ${REFRESH_HINT}`;
}

/**
 * Verifies a signed response or notification (spec §2). Fails closed: every problem throws, with a reason
 * saying which check failed. Signature probes (`WECHATPAY/SIGNTEST/…`) get no special case; they fail as
 * BAD_SIGNATURE like any other forged signature.
 */
export async function verifySignedMessage(input: VerifySignedMessageInput): Promise<void> {
  verifySignedMessageSync(input);
}

/**
 * `verifySignedMessage` without the promise, for callers already inside an async step (the client's response
 * path): the check is synchronous anyway, and each extra await is a turn of the microtask queue per call.
 */
export function verifySignedMessageSync(input: VerifySignedMessageInput): void {
  const { headers, keyring, now, maxSkewSeconds = MAX_SKEW_SECONDS } = input;
  if (!Number.isFinite(now) || now > 1e11) {
    throw new TypeError(`verifySignedMessage: now must be Unix seconds, got ${now} (milliseconds?)`);
  }
  const values: Record<string, string> = {};
  for (const name of REQUIRED_HEADERS) {
    const value = getHeader(headers, name);
    if (!value)
      throw new WechatPaySignatureError('MISSING_HEADER', `missing header ${name}`, { header: name });
    values[name] = value;
  }
  const timestamp = values['Wechatpay-Timestamp']!;
  const nonce = values['Wechatpay-Nonce']!;
  const signature = values['Wechatpay-Signature']!;
  const serial = values['Wechatpay-Serial']!;

  const type = getHeader(headers, 'Wechatpay-Signature-Type');
  if (type && type !== AUTHORIZATION_SCHEME) {
    throw new WechatPaySignatureError(
      'UNSUPPORTED_SIGNATURE_TYPE',
      `Wechatpay-Signature-Type ${type} is not supported; only ${AUTHORIZATION_SCHEME}`,
      { header: 'Wechatpay-Signature-Type', serial },
    );
  }

  const key = keyring.find(serial, now);
  if (!key) {
    throw new WechatPaySignatureError('UNKNOWN_SERIAL', unknownSerialMessage(serial, keyring, now), {
      serial,
    });
  }

  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WechatPaySignatureError(
      'STALE_TIMESTAMP',
      `Wechatpay-Timestamp "${timestamp.slice(0, 20)}" is not an integer`,
      {
        header: 'Wechatpay-Timestamp',
        serial,
      },
    );
  }
  const skew = Math.abs(now - Number(timestamp));
  if (skew > maxSkewSeconds) {
    throw new WechatPaySignatureError(
      'STALE_TIMESTAMP',
      `Wechatpay-Timestamp ${timestamp} is ${Math.round(skew)} s away from now (${Math.floor(now)}); at most ${maxSkewSeconds} s is accepted`,
      { header: 'Wechatpay-Timestamp', serial },
    );
  }

  // A nonce with a line break cannot have been signed as one line: treat it like any other forgery.
  const message = /[\r\n]/.test(nonce)
    ? undefined
    : buildResponseSignMessage({ timestamp, nonce, body: input.body });
  // Verified inline: an RSA-2048 public-key check takes ~20 µs, less than a thread-pool round trip (bench/verify).
  if (!message || !verifySha256WithRsaSync(message, signature, key)) {
    throw new WechatPaySignatureError(
      'BAD_SIGNATURE',
      `Wechatpay-Signature does not verify with key ${serial} over the raw body; the payload must not be trusted`,
      { header: 'Wechatpay-Signature', serial },
    );
  }
}
