import { createCipheriv, createDecipheriv } from 'node:crypto';
import { WechatPayDecryptError } from '../errors/wechat-pay-decrypt-error.js';
import { decodeBase64Strict } from './rsa-sha256.js';

export const AEAD_AES_256_GCM = 'AEAD_AES_256_GCM';
const TAG_BYTES = 16;

export interface AeadInput {
  /** The 32-character APIv3 key (APIv3密钥); its UTF-8 bytes are the AES-256 key. */
  apiV3Key: string | Uint8Array;
  /** `resource.nonce`; its UTF-8 bytes are the IV (12 in every WeChat Pay payload). */
  nonce: string;
  /** `resource.associated_data`; absent or empty means an empty AAD. */
  associatedData?: string | undefined;
}

function keyBytes(apiV3Key: string | Uint8Array): Buffer {
  if (typeof apiV3Key !== 'string' && !(apiV3Key instanceof Uint8Array)) {
    throw new WechatPayDecryptError(
      'BAD_KEY',
      'the APIv3 key is missing; pass the 32-character key as a string',
    );
  }
  const key = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : Buffer.from(apiV3Key);
  if (key.length !== 32) {
    throw new WechatPayDecryptError(
      'BAD_KEY',
      `the APIv3 key must be exactly 32 bytes (UTF-8), got ${key.length}; copy the key set in the merchant platform`,
    );
  }
  return key;
}

function ivBytes(nonce: string): Buffer {
  if (typeof nonce !== 'string' || nonce === '') {
    throw new WechatPayDecryptError('MALFORMED_INPUT', 'AEAD_AES_256_GCM: nonce is missing or empty');
  }
  return Buffer.from(nonce, 'utf8');
}

/** Decrypts `resource.ciphertext` (Base64 of ciphertext ‖ 16-byte tag) to its UTF-8 plaintext. */
export function decryptAeadAes256Gcm(input: AeadInput & { ciphertext: string }): string {
  const key = keyBytes(input.apiV3Key);
  const iv = ivBytes(input.nonce);
  const data = typeof input.ciphertext === 'string' ? decodeBase64Strict(input.ciphertext) : undefined;
  if (!data)
    throw new WechatPayDecryptError('MALFORMED_INPUT', 'AEAD_AES_256_GCM: ciphertext is not valid Base64');
  if (data.length < TAG_BYTES) {
    throw new WechatPayDecryptError(
      'MALFORMED_INPUT',
      `AEAD_AES_256_GCM: ciphertext is ${data.length} bytes, shorter than the ${TAG_BYTES}-byte authentication tag`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  decipher.setAAD(Buffer.from(input.associatedData ?? '', 'utf8'));
  try {
    return Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch (error) {
    // GCM reports one failure for all three causes; it cannot say which one it was.
    throw new WechatPayDecryptError(
      'AUTHENTICATION_FAILED',
      'AEAD_AES_256_GCM authentication failed: the APIv3 key is wrong, the ciphertext was altered, or associated_data does not match',
      error,
    );
  }
}

/** Encrypts a UTF-8 plaintext to Base64(ciphertext ‖ tag), the form WeChat Pay puts in `resource.ciphertext`. */
export function encryptAeadAes256Gcm(input: AeadInput & { plaintext: string }): string {
  const cipher = createCipheriv('aes-256-gcm', keyBytes(input.apiV3Key), ivBytes(input.nonce));
  cipher.setAAD(Buffer.from(input.associatedData ?? '', 'utf8'));
  const body = Buffer.concat([cipher.update(input.plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}
