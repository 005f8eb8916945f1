import { WechatPayCertificateError } from '../errors/wechat-pay-certificate-error.js';
import { WechatPayConfigError } from '../errors/wechat-pay-config-error.js';
import { WechatPayDecryptError } from '../errors/wechat-pay-decrypt-error.js';
import { AEAD_AES_256_GCM, decryptAeadAes256Gcm } from '../protocol/aead-aes-256-gcm.js';
import { type LoadedCertificate, loadCertificate } from '../protocol/keys.js';
import type { PlatformCertificateEntry } from './platform-certificate-store.js';

export const CERTIFICATES_PATH = '/v3/certificates';
/** The associated data WeChat Pay documents for `encrypt_certificate` (固定值: certificate). */
export const CERTIFICATE_ASSOCIATED_DATA = 'certificate';

/** A decrypted, checked entry: the certificate, and until when WeChat Pay says to use it. */
export interface OpenedPlatformCertificate {
  certificate: LoadedCertificate;
  /** `expire_time` as epoch milliseconds (may be earlier than the PEM's notAfter during a rotation). */
  expiresAtMs: number;
  /** `effective_time` as epoch milliseconds. */
  effectiveAtMs: number;
  /** The entry as downloaded, still encrypted: what a store keeps. */
  entry: PlatformCertificateEntry;
}

function malformed(message: string): WechatPayCertificateError {
  return new WechatPayCertificateError('MALFORMED_RESPONSE', `GET ${CERTIFICATES_PATH}: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseTime(value: string, where: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw malformed(`${where} "${value.slice(0, 40)}" is not an RFC 3339 time`);
  return ms;
}

/**
 * Checks the shape of a `GET /v3/certificates` body (`{ data: [...] }`) and answers its entries. An empty list
 * is `NO_CERTIFICATES`: WeChat Pay issues no platform certificate to merchants on the public key.
 */
export function parseCertificateDownload(body: unknown): PlatformCertificateEntry[] {
  if (!isRecord(body) || !Array.isArray(body.data)) throw malformed('the body is not { "data": [...] }');
  const entries = body.data.map((entry: unknown, index): PlatformCertificateEntry => {
    const where = `data[${index}]`;
    if (!isRecord(entry)) throw malformed(`${where} is not an object`);
    for (const field of ['serial_no', 'effective_time', 'expire_time'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '')
        throw malformed(`${where}.${field} is missing or not a string`);
    }
    const encrypted = entry.encrypt_certificate;
    if (!isRecord(encrypted)) throw malformed(`${where}.encrypt_certificate is missing or not an object`);
    for (const field of ['algorithm', 'nonce', 'ciphertext'] as const) {
      if (typeof encrypted[field] !== 'string')
        throw malformed(`${where}.encrypt_certificate.${field} is missing or not a string`);
    }
    if (encrypted.associated_data !== undefined && typeof encrypted.associated_data !== 'string')
      throw malformed(`${where}.encrypt_certificate.associated_data is not a string`);
    parseTime(entry.effective_time as string, `${where}.effective_time`);
    parseTime(entry.expire_time as string, `${where}.expire_time`);
    return entry as unknown as PlatformCertificateEntry;
  });
  if (entries.length === 0) {
    throw new WechatPayCertificateError(
      'NO_CERTIFICATES',
      `GET ${CERTIFICATES_PATH} listed no platform certificate; merchants on the WeChat Pay public key have none: ` +
        'configure wechatpayPublicKey ({ id: "PUB_KEY_ID_…", key }) instead',
    );
  }
  return entries;
}

/**
 * Decrypts one entry with the APIv3 key (AEAD_AES_256_GCM, associated data `certificate`) and checks that it is
 * an X.509 certificate whose serial is `serial_no`. Throws `WechatPayCertificateError`.
 */
export function openCertificateEntry(
  entry: PlatformCertificateEntry,
  apiV3Key: string,
): OpenedPlatformCertificate {
  const serial = entry.serial_no;
  const { algorithm, nonce, ciphertext } = entry.encrypt_certificate;
  if (algorithm !== AEAD_AES_256_GCM) {
    throw new WechatPayCertificateError(
      'MALFORMED_RESPONSE',
      `platform certificate ${serial}: encrypt_certificate.algorithm ${algorithm} is not supported; only ${AEAD_AES_256_GCM}`,
      { serial },
    );
  }
  let pem: string;
  try {
    pem = decryptAeadAes256Gcm({ apiV3Key, nonce, associatedData: CERTIFICATE_ASSOCIATED_DATA, ciphertext });
  } catch (error) {
    if (!(error instanceof WechatPayDecryptError)) throw error;
    const hint =
      error.reason === 'AUTHENTICATION_FAILED'
        ? 'check that apiV3Key is the APIv3 key set in the merchant platform (the ciphertext may also have been altered)'
        : error.message;
    throw new WechatPayCertificateError(
      'DECRYPT_FAILED',
      `platform certificate ${serial} did not decrypt with the APIv3 key: ${hint}`,
      { serial, cause: error },
    );
  }
  let certificate: LoadedCertificate;
  try {
    certificate = loadCertificate(pem, `platform certificate ${serial}`);
  } catch (error) {
    if (!(error instanceof WechatPayConfigError)) throw error;
    throw new WechatPayCertificateError(
      'INVALID_CERTIFICATE',
      `platform certificate ${serial} decrypted to something that is not an RSA X.509 certificate`,
      { serial, cause: error },
    );
  }
  if (certificate.serialNo !== serial.replace(/:/g, '').toUpperCase()) {
    throw new WechatPayCertificateError(
      'SERIAL_MISMATCH',
      `platform certificate entry serial_no ${serial} carries certificate ${certificate.serialNo}`,
      { serial },
    );
  }
  return {
    certificate,
    expiresAtMs: Date.parse(entry.expire_time),
    effectiveAtMs: Date.parse(entry.effective_time),
    entry,
  };
}

/**
 * The union of what was kept and what was just downloaded (a fresh entry replaces a kept one with the same
 * serial, e.g. an `expire_time` shortened before a rotation), without those past `expire_time` at `nowMs`.
 * A certificate the download no longer lists stays until its own `expire_time` (rotation overlap).
 */
export function mergeCertificateEntries(
  kept: readonly PlatformCertificateEntry[],
  fresh: readonly PlatformCertificateEntry[],
  nowMs: number,
): PlatformCertificateEntry[] {
  const bySerial = new Map<string, PlatformCertificateEntry>();
  for (const entry of [...kept, ...fresh]) bySerial.set(entry.serial_no.toUpperCase(), entry);
  return [...bySerial.values()].filter((entry) => !isExpired(entry, nowMs));
}

/** Past `expire_time` (which WeChat Pay shortens 24 h ahead of a rotation); an unparsable time counts as expired. */
export function isExpired(entry: PlatformCertificateEntry, nowMs: number): boolean {
  const expiresAtMs = Date.parse(entry.expire_time);
  return !(expiresAtMs >= nowMs);
}
