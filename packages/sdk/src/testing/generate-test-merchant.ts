import { generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { generateNonce } from '../protocol/nonce.js';
import { createSelfSignedCertificate } from './create-self-signed-certificate.js';

export interface TestMerchant {
  mchid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8 PEM of `privateKey`, for configurations that take text or files. */
  privateKeyPem: string;
  certificatePem: string;
  /** 40 upper-case hex digits, like a real merchant API certificate serial. */
  serialNo: string;
  /** 32 characters from `[0-9A-Za-z]`. */
  apiV3Key: string;
}

const generateRsaKeyPair = promisify(generateKeyPair);

/** A throw-away merchant identity: RSA-2048 key pair, self-signed API certificate (1 year) and APIv3 key. */
export async function generateTestMerchant(
  options: { mchid?: string; now?: Date } = {},
): Promise<TestMerchant> {
  const mchid = options.mchid ?? '1900000001';
  const now = options.now ?? new Date();
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  // Top bit cleared and never zero, so the serial reads back from the certificate unchanged.
  const serial = randomBytes(20);
  serial[0] = (serial[0]! & 0x7f) | 0x10;
  const serialNo = serial.toString('hex').toUpperCase();
  const certificatePem = createSelfSignedCertificate({
    privateKey,
    publicKey,
    serialNo,
    commonName: mchid,
    organizationName: 'wxpay-kit test merchant',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
  });
  return {
    mchid,
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem,
    serialNo,
    apiV3Key: generateNonce(32),
  };
}
