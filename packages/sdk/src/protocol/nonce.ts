import { randomByte } from './random-pool.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// 62 * 4 = 248: bytes at or above it are dropped so every character is equally likely (no modulo bias).
const UNBIASED_LIMIT = 248;

/** A random string over `[0-9A-Za-z]`, as the official SDKs use for `nonce_str` (32) and GCM nonces (12). */
export function generateNonce(length = 32): string {
  if (!Number.isInteger(length) || length < 1) {
    throw new RangeError(`generateNonce: length must be a positive integer, got ${String(length)}`);
  }
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < UNBIASED_LIMIT) out += ALPHABET[byte % 62];
  }
  return out;
}
