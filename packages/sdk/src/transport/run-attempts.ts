import { WechatPayAbortError } from '../errors/index.js';
import { nextBaseUrl } from './failover.js';
import type { RateLimiter } from './rate-limiter.js';
import { decideRetry, type RetryOptions } from './retry-policy.js';
import type { Sleep } from './sleep.js';

export interface AttemptContext {
  /** 1 for the first send, 2 for the first retry, … */
  attempt: number;
  /** The primary or, after a failover-worthy failure, the backup base URL. */
  baseUrl: string;
}

export interface RetryEvent {
  operation: string;
  /** The attempt that will be sent after the delay (2 for the first retry). */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RunAttemptsOptions<T> {
  /** Operation name (`transferBills.cancel`) or `METHOD path` for generic requests; used in events. */
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
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Builds, signs and sends one attempt. Called again for each retry so every attempt is signed afresh. */
  send: (context: AttemptContext) => Promise<T>;
}

/**
 * Runs one logical call: waits for a rate-limit token, sends, and on a retryable failure waits (backoff or
 * `Retry-After`), moves to the backup domain if the failure points at the access point, and sends again.
 * The last failure is thrown unchanged.
 */
export async function runAttempts<T>(options: RunAttemptsOptions<T>): Promise<T> {
  const { signal } = options;
  let baseUrl = options.baseUrl;
  const abortError = (cause: unknown) =>
    new WechatPayAbortError(options.method, options.urlFor(baseUrl), cause);

  for (let attempt = 1; ; attempt++) {
    if (options.rateLimit) {
      const { limiter, key, perSecond } = options.rateLimit;
      try {
        await limiter.acquire(key, perSecond, signal);
      } catch (cause) {
        if (signal?.aborted) throw abortError(signal.reason);
        throw cause;
      }
    }

    try {
      return await options.send({ attempt, baseUrl });
    } catch (error) {
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
