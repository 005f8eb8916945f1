import { WechatPayAbortError, WechatPayTimeoutError } from '../errors/index.js';
import { nextBaseUrl } from './failover.js';
import type { RateLimiter } from './rate-limiter.js';
import { decideRetry, type RetryOptions } from './retry-policy.js';
import type { Sleep } from './sleep.js';

export interface AttemptContext {
  /** 1 for the first send, 2 for the first retry, … */
  attempt: number;
  /** The primary or, after a failover-worthy failure, the backup base URL. */
  baseUrl: string;
  /**
   * This attempt's budget: the per-attempt `timeoutMs`, or the time left before the call's deadline when that
   * is shorter. `undefined` when neither was given.
   */
  timeoutMs: number | undefined;
}

export interface RetryEvent {
  operation: string;
  /** The attempt that will be sent after the delay (2 for the first retry). */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RunAttemptsOptions<T> {
  /** Operation name (`transferBills.partnerCancel`) or `METHOD path` for generic requests; used in events. */
  operation: string;
  method: string;
  /** The URL to name in an abort error raised between attempts. */
  urlFor: (baseUrl: string) => string;
  baseUrl: string;
  backupBaseUrl: string | false;
  retry: RetryOptions | false;
  rateLimit?: { limiter: RateLimiter; key: string; perSecond: number } | undefined;
  now: () => number;
  sleep: Sleep;
  random?: () => number;
  signal?: AbortSignal | undefined;
  /** Per-attempt budget, passed on to `send` (shortened near the deadline). */
  timeoutMs?: number | undefined;
  /** Budget for the whole call (token wait, attempts, backoff), measured with `now` from the first step. */
  deadlineMs?: number | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Builds, signs and sends one attempt. Called again for each retry so every attempt is signed afresh. */
  send: (context: AttemptContext) => Promise<T>;
}

/**
 * Runs one logical call: waits for a rate-limit token, sends, and on a retryable failure waits (backoff or
 * `Retry-After`), moves to the backup domain if the failure points at the access point, and sends again.
 * The last failure is thrown unchanged, except that running out of `deadlineMs` (a token wait or backoff
 * that would end after it, or an attempt cut short by it) throws `WechatPayTimeoutError` with the last
 * failure as its cause.
 */
export async function runAttempts<T>(options: RunAttemptsOptions<T>): Promise<T> {
  const { signal } = options;
  let baseUrl = options.baseUrl;
  const abortError = (cause: unknown) =>
    new WechatPayAbortError(options.method, options.urlFor(baseUrl), cause);
  const { deadlineMs } = options;
  const deadlineAt = deadlineMs === undefined ? undefined : options.now() + deadlineMs;
  let lastError: unknown;
  // The deadline's timeout names the last attempt's failure as its cause, so callers still see why it retried.
  const deadlineError = (attempts: number) =>
    new WechatPayTimeoutError(options.method, options.urlFor(baseUrl), deadlineMs ?? 0, {
      attempts,
      cause: lastError,
    });

  for (let attempt = 1; ; attempt++) {
    if (options.rateLimit) {
      const { limiter, key, perSecond } = options.rateLimit;
      let acquired: boolean;
      try {
        acquired = await limiter.acquire(key, perSecond, signal, undefined, deadlineAt);
      } catch (cause) {
        if (signal?.aborted) throw abortError(signal.reason);
        throw cause;
      }
      if (!acquired) throw deadlineError(attempt - 1);
    }

    let timeoutMs = options.timeoutMs;
    let cutByDeadline = false;
    if (deadlineAt !== undefined) {
      const leftMs = deadlineAt - options.now();
      if (leftMs <= 0) throw deadlineError(attempt - 1);
      if (timeoutMs === undefined || leftMs < timeoutMs) {
        timeoutMs = leftMs;
        cutByDeadline = true;
      }
    }

    try {
      return await options.send({ attempt, baseUrl, timeoutMs });
    } catch (error) {
      lastError = error;
      // The attempt's timeout was the deadline itself, so retrying could only start after the deadline.
      if (cutByDeadline && error instanceof WechatPayTimeoutError) throw deadlineError(attempt);
      const decision =
        options.retry === false
          ? ({ retry: false } as const)
          : decideRetry({
              error,
              retriesSoFar: attempt - 1,
              options: options.retry,
              nowMs: options.now(),
              random: options.random,
            });
      if (!decision.retry) throw error;
      // A retry that cannot even start before the deadline only delays the inevitable failure.
      if (deadlineAt !== undefined && options.now() + decision.delayMs >= deadlineAt) {
        throw deadlineError(attempt);
      }

      baseUrl = nextBaseUrl({ current: baseUrl, backup: options.backupBaseUrl, error });
      options.onRetry?.({
        operation: options.operation,
        attempt: attempt + 1,
        delayMs: decision.delayMs,
        error,
      });
      try {
        await options.sleep(decision.delayMs, signal);
      } catch (cause) {
        if (signal?.aborted) throw abortError(signal.reason);
        throw cause;
      }
    }
  }
}
