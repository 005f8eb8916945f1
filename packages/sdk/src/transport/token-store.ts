/**
 * Where rate-limit buckets live. The SDK ships `MemoryTokenStore` (one process); implement this interface to
 * share buckets between processes, e.g. in Redis with a Lua script doing the same arithmetic atomically.
 *
 * Contract for implementers:
 * - `key` identifies one bucket; the SDK uses `<mchid>:<operation>` (e.g. `1900007291:authorizations.close`).
 * - A bucket holds at most `burst` tokens and refills continuously at `ratePerSecond`; a new bucket starts full.
 * - `take` removes one token if at least one is available and answers `{ ok: true }`; otherwise it removes
 *   nothing and answers `{ ok: false, retryAfterMs }`, the time until one token will be available.
 * - `nowMs` (epoch milliseconds) is the caller's clock; use it rather than the store's own so that every
 *   process agrees on refill arithmetic and tests can drive time. A shared store may use one clock of its own
 *   instead (Redis `TIME`), which every host agrees on whatever their skew.
 * - `take` must be atomic per key: two concurrent takes must never both receive the last token.
 * - `options` (optional to honour) bounds a store that talks over the network: give up when `signal` fires
 *   (reject with its reason), and do not hold the caller past `waitUntilMs` (the call's deadline, on the
 *   `nowMs` clock): answering `{ ok: false, retryAfterMs }` beyond it makes the caller fail with its deadline.
 */
export interface TokenStore {
  take(
    key: string,
    ratePerSecond: number,
    burst: number,
    nowMs: number,
    options?: TokenTakeOptions,
  ): Promise<TokenTakeResult>;
}

export interface TokenTakeOptions {
  signal?: AbortSignal | undefined;
  /** Epoch ms on the `nowMs` clock after which the caller no longer waits (its `deadlineMs`). */
  waitUntilMs?: number | undefined;
}

export type TokenTakeResult = { ok: true } | { ok: false; retryAfterMs: number };
