import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// 62 * 4 = 248: bytes at or above it are dropped so every character is equally likely (no modulo bias).
const UNBIASED_LIMIT = 248;

/**
 * Random bytes drawn in batches: one `randomFillSync` per 4 KiB instead of one `randomBytes` per nonce (which
 * costs more than the nonce itself). Every byte is handed out once, in order, then the pool is refilled.
 */
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++] as number;
}

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
