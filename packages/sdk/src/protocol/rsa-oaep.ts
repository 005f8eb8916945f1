import { constants, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { WechatPayDecryptError } from '../errors/wechat-pay-decrypt-error.js';
import { decodeBase64Strict } from './rsa-sha256.js';

// OAEP overhead with SHA-1: two 20-byte hashes and two marker bytes.
const OAEP_SHA1_OVERHEAD = 2 * 20 + 2;

function modulusBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
}

/**
 * RSAES-OAEP with SHA-1 and MGF1-SHA-1, how sensitive fields (`user_name`, …) travel (spec §6). Randomised: the
 * same plaintext gives a different ciphertext each time. Returns Base64.
 */
export function rsaOaepEncrypt(plaintext: string, publicKey: KeyObject): string {
  const data = Buffer.from(plaintext, 'utf8');
  const limit = modulusBytes(publicKey) - OAEP_SHA1_OVERHEAD;
  if (data.length > limit) {
    throw new RangeError(
      `rsaOaepEncrypt: plaintext is ${data.length} bytes (UTF-8); RSA-OAEP-SHA1 with this key holds at most ${limit}`,
    );
  }
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    data,
  ).toString('base64');
}

/** Decrypts a Base64 RSA-OAEP (SHA-1) ciphertext with the matching private key. */
export function rsaOaepDecrypt(ciphertextBase64: string, privateKey: KeyObject): string {
  const data = typeof ciphertextBase64 === 'string' ? decodeBase64Strict(ciphertextBase64) : undefined;
  if (!data) throw new WechatPayDecryptError('MALFORMED_INPUT', 'RSA-OAEP: ciphertext is not valid Base64');
  const expected = modulusBytes(privateKey);
  if (data.length !== expected) {
    throw new WechatPayDecryptError(
      'MALFORMED_INPUT',
      `RSA-OAEP: ciphertext is ${data.length} bytes, but this key's ciphertexts are ${expected}`,
    );
  }
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      data,
    ).toString('utf8');
  } catch (error) {
    throw new WechatPayDecryptError(
      'AUTHENTICATION_FAILED',
      'RSA-OAEP decryption failed: encrypted for a different key, altered, or not OAEP-SHA1',
      error,
    );
  }
}
