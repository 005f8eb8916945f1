import type { KeyObject } from 'node:crypto';
import type { OperationSpec } from '@wxpay-kit/sdk/catalogue';
import { getAtPointer, rsaOaepDecrypt } from '@wxpay-kit/sdk/protocol';
import { ApiError } from './api-error.js';
import { replaceAtPointer } from './json-pointer.js';

// A 2048-bit RSA ciphertext is 256 bytes, i.e. 344 Base64 characters; anything else was never encrypted.
const CIPHERTEXT = /^[A-Za-z0-9+/]{342}==$|^[A-Za-z0-9+/]{343}=$|^[A-Za-z0-9+/]{344}$/;

/**
 * Replaces each encrypted request field (`sensitive.request` pointers) present in the body with its plaintext,
 * decrypted with the platform private key (RSA-OAEP, SHA-1). Runs after validation, so the handler sees plaintext.
 */
export function decryptSensitive(
  operation: OperationSpec,
  body: unknown,
  platformPrivateKey: KeyObject,
): void {
  for (const pointer of operation.sensitive?.request ?? []) {
    const value = getAtPointer(body, pointer);
    if (value === undefined) continue;
    if (typeof value !== 'string' || !CIPHERTEXT.test(value)) {
      throw new ApiError(400, 'PARAM_ERROR', '请确认待处理的消息是否为加密后的密文', {
        field: pointer,
        location: 'body',
        issue:
          'must be RSA-OAEP ciphertext (Base64 of 256 bytes) made with the WeChat Pay public key, not plaintext',
      });
    }
    let plaintext: string;
    try {
      plaintext = rsaOaepDecrypt(value, platformPrivateKey);
    } catch {
      throw new ApiError(400, 'PARAM_ERROR', '平台私钥解密失败', {
        field: pointer,
        location: 'body',
        issue:
          'does not decrypt with the platform private key: encrypt with the WeChat Pay public key, OAEP with SHA-1',
      });
    }
    replaceAtPointer(body, pointer, plaintext);
  }
}
