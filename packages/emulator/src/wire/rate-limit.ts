import type { RateLimit } from '@wxpay-kit/sdk/catalogue';
import type { Clock } from '../core/clock.js';
import { ApiError } from './api-error.js';

export interface RateLimitSettings {
  enabled: boolean;
  /** Per-operation overrides of the catalogue's `rateLimit.perSecond` (e.g. a test lowering a rate to 2). */
  perSecond: Record<string, number>;
}

interface Bucket {
  tokens: number;
  /** Virtual and wall ms of the last refill. */
  at: number;
  wallAt: number;
}

/**
 * Token buckets per (calling mchid, operation) at the operation's documented rate; a bucket holds one second's
 * worth. They refill with virtual time (advancing the clock refills them) and, under a manual clock that stands
 * still, with wall time too, so a long test on a frozen clock is not throttled forever.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    readonly settings: RateLimitSettings,
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** Takes one token or throws 429 with the operation's documented code. */
  take(mchid: string, operation: string, limit: RateLimit, message: string): void {
    if (!this.settings.enabled) return;
    const rate = this.settings.perSecond[operation] ?? limit.perSecond;
    if (!(rate > 0)) return;
    const now = this.clock.now();
    const wall = this.wallNow();
    const key = `${mchid}\u0000${operation}`;
    const bucket = this.#buckets.get(key) ?? { tokens: rate, at: now, wallAt: wall };
    const elapsed = Math.max(0, now - bucket.at, wall - bucket.wallAt);
    bucket.tokens = Math.min(rate, bucket.tokens + (elapsed / 1000) * rate);
    bucket.at = now;
    bucket.wallAt = wall;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      throw new ApiError(429, limit.code, message, {
        issue: `more than ${rate} ${operation} requests per second from ${mchid}`,
      });
    }
    bucket.tokens -= 1;
  }

  reset(): void {
    this.#buckets.clear();
  }
}
