import { type KeyObject, sign, verify } from 'node:crypto';

/** Data to sign or verify: strings are UTF-8. */
export type SignInput = string | Uint8Array;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function toBytes(data: SignInput): Buffer {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Strict standard Base64, or undefined: Buffer.from(…, 'base64') would silently skip junk characters. Canonical
 * text (what every encoder writes) re-encodes to itself, which is cheaper to check than the pattern; anything
 * else still passes only if it matches the pattern (e.g. non-zero bits before the padding).
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const decoded = Buffer.from(text, 'base64');
  if (decoded.toString('base64') === text) return decoded;
  return BASE64.test(text) ? decoded : undefined;
}

/** SHA256withRSA (RSASSA-PKCS1-v1_5) → Base64. The callback form runs on the libuv pool, off the event loop. */
export function signSha256WithRsa(message: SignInput, privateKey: KeyObject): Promise<string> {
  return new Promise((resolve, reject) => {
    sign('sha256', toBytes(message), privateKey, (error, signature) => {
      if (error) reject(error);
      else resolve(signature.toString('base64'));
    });
  });
}

export function signSha256WithRsaSync(message: SignInput, privateKey: KeyObject): string {
  return sign('sha256', toBytes(message), privateKey).toString('base64');
}

/** True only for a valid signature; malformed Base64 (including `WECHATPAY/SIGNTEST/` probes) is simply false. */
export function verifySha256WithRsa(
  message: SignInput,
  signatureBase64: string,
  publicKey: KeyObject,
): Promise<boolean> {
  const signature = decodeBase64Strict(signatureBase64);
  if (!signature || signature.length === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    // An error here can only come from an unusable signature (e.g. wrong length): fail closed.
    verify('sha256', toBytes(message), publicKey, signature, (error, valid) => resolve(!error && valid));
  });
}

export function verifySha256WithRsaSync(
  message: SignInput,
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  const signature = decodeBase64Strict(signatureBase64);
  if (!signature || signature.length === 0) return false;
  try {
    return verify('sha256', toBytes(message), publicKey, signature);
  } catch {
    return false;
  }
}
