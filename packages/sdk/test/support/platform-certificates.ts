import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { PlatformCertificateEntry } from '../../src/certificates/platform-certificate-store.js';
import { encryptAeadAes256Gcm, generateNonce } from '../../src/protocol/index.js';
import { createSelfSignedCertificate, formatChinaTime, signResponse } from '../../src/testing/index.js';

export const API_V3_KEY = '0123456789abcdef0123456789ABCDEF';
const DAY_MS = 24 * 3600 * 1000;

export interface TestPlatformCertificate {
  serial: string;
  privateKey: KeyObject;
  pem: string;
  notBefore: Date;
  notAfter: Date;
}

let pairs: KeyObject[] = [];

/** A platform certificate over a fresh (cached, up to 3) RSA key, valid from a day before `nowMs` for a year. */
export function issuePlatformCertificate(
  nowMs: number,
  options: { serial?: string; validDays?: number; key?: number } = {},
): TestPlatformCertificate {
  const index = options.key ?? 0;
  pairs[index] ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const privateKey = pairs[index]!;
  const serial =
    options.serial ??
    (Math.floor(Math.random() * 7) + 1).toString(16).toUpperCase() +
      randomBytes(20).toString('hex').toUpperCase().slice(1);
  const notBefore = new Date(nowMs - DAY_MS);
  const notAfter = new Date(nowMs + (options.validDays ?? 365) * DAY_MS);
  const pem = createSelfSignedCertificate({
    privateKey,
    serialNo: serial,
    commonName: 'Tenpay.com Root CA',
    notBefore,
    notAfter,
  });
  return { serial, privateKey, pem, notBefore, notAfter };
}

export function resetPlatformKeys(): void {
  pairs = [];
}

/** The `data[]` entry WeChat Pay would list for `certificate`, encrypted under `apiV3Key`. */
export function certificateEntry(
  certificate: TestPlatformCertificate,
  options: { apiV3Key?: string; expireTime?: Date; serialNo?: string; plaintext?: string } = {},
): PlatformCertificateEntry {
  const nonce = generateNonce(12);
  return {
    serial_no: options.serialNo ?? certificate.serial,
    effective_time: formatChinaTime(Math.floor(certificate.notBefore.getTime() / 1000)),
    expire_time: formatChinaTime(Math.floor((options.expireTime ?? certificate.notAfter).getTime() / 1000)),
    encrypt_certificate: {
      algorithm: 'AEAD_AES_256_GCM',
      nonce,
      associated_data: 'certificate',
      ciphertext: encryptAeadAes256Gcm({
        apiV3Key: options.apiV3Key ?? API_V3_KEY,
        nonce,
        associatedData: 'certificate',
        plaintext: options.plaintext ?? certificate.pem,
      }),
    },
  };
}

/** A signed `GET /v3/certificates` answer: the body as sent and its `Wechatpay-*` headers. */
export async function signedDownload(
  entries: PlatformCertificateEntry[],
  signer: { privateKey: KeyObject; serial: string },
  nowSeconds: number,
): Promise<{ body: string; headers: Record<string, string> }> {
  const body = JSON.stringify({ data: entries });
  const headers = await signResponse({
    body,
    privateKey: signer.privateKey,
    serial: signer.serial,
    timestamp: nowSeconds,
  });
  return { body, headers };
}
