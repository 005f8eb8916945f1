import type { TokenStore, TokenTakeResult } from './token-store.js';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * In-process token buckets. Atomic per key because JavaScript runs `take` to completion before any other
 * caller can observe the bucket. Buckets are few (one per merchant and operation), so none are evicted.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #buckets = new Map<string, Bucket>();

  async take(key: string, ratePerSecond: number, burst: number, nowMs: number): Promise<TokenTakeResult> {
    const bucket = this.#buckets.get(key) ?? { tokens: burst, updatedMs: nowMs };
    // A clock that steps backwards (or another caller's slightly older `now`) must not drain the bucket.
    const elapsedMs = Math.max(0, nowMs - bucket.updatedMs);
    bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs * ratePerSecond) / 1000);
    bucket.updatedMs = Math.max(bucket.updatedMs, nowMs);
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / ratePerSecond) };
  }
}
