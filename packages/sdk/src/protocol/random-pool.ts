import { randomFillSync } from 'node:crypto';

/**
 * Random bytes drawn from the CSPRNG in batches, for the SDK's nonces and the emulator's Request-IDs, answer nonces
 * and package_info: each `crypto.randomBytes` call is its own trip into OpenSSL and costs more than a nonce.
 * Every byte is handed out once. One refill serves about a hundred draws.
 */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let used = POOL_SIZE;

/** Reserves `size` unused bytes of the pool (refilling it when too few are left); returns where they start. */
function take(size: number): number {
  if (!(size > 0 && size <= POOL_SIZE))
    throw new RangeError(`random pool: 1…${POOL_SIZE} bytes, got ${size}`);
  if (used + size > POOL_SIZE) {
    randomFillSync(pool);
    used = 0;
  }
  used += size;
  return used - size;
}

/** One fresh random byte (0–255). */
export function randomByte(): number {
  return pool[take(1)] as number;
}

/**
 * Upper-case hex of `size` fresh random bytes (as WeChat Pay writes Request-IDs and nonces), from a pool refilled
 * from the CSPRNG when used up: each `crypto.randomBytes` call is its own trip into OpenSSL, and two per request
 * were about 4 % of a read's main-thread time. Every byte is handed out once.
 */
export function randomUpperHex(size: number): string {
  const start = take(size);
  return pool.toString('hex', start, start + size).toUpperCase();
}

/** Base64 of `size` fresh random bytes, from the same pool. */
export function randomBase64(size: number): string {
  const start = take(size);
  return pool.toString('base64', start, start + size);
}
