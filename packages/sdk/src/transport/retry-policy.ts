import { WechatPayApiError, WechatPayError } from '../errors/index.js';
import { backoffDelay } from './backoff.js';

export interface RetryOptions {
  /** Retries after the first attempt; 0 sends once. */
  maxRetries: number;
  /** Backoff ceiling for the first retry (doubles each time, full jitter). */
  baseDelayMs: number;
  /** Longest wait before any retry. A `Retry-After` longer than this is not waited for: the 429 surfaces. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
});

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Whether sending the same request again may succeed, as the error itself says: each error class (and, for API
 * errors, the status or the operation's documented code) decides. Anything that is not a WechatPayError is final.
 */
export function isRetryableFailure(error: unknown): boolean {
  return error instanceof WechatPayError && error.retryable;
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds from `nowMs`; `undefined` when absent or unusable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with a day name; this keeps Date.parse from reading '-5' as a year.
  const date = /^[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * Decides whether to retry after `error`, given how many retries have already been made.
 * A 429 that names its own `Retry-After` gets exactly that delay (if it fits within `maxDelayMs`);
 * everything else gets exponential backoff with full jitter.
 */
export function decideRetry(input: {
  error: unknown;
  retriesSoFar: number;
  options: RetryOptions;
  nowMs: number;
  random?: () => number;
}): RetryDecision {
  const { error, retriesSoFar, options } = input;
  if (retriesSoFar >= options.maxRetries || !isRetryableFailure(error)) return { retry: false };
  if (error instanceof WechatPayApiError && error.status === 429) {
    const retryAfter = parseRetryAfter(error.headers['retry-after'], input.nowMs);
    if (retryAfter !== undefined) {
      return retryAfter <= options.maxDelayMs ? { retry: true, delayMs: retryAfter } : { retry: false };
    }
  }
  return { retry: true, delayMs: backoffDelay(retriesSoFar, options, input.random) };
}

/** Checks user-supplied retry options; names the first bad member, or returns undefined when all are fine. */
export function findInvalidRetryOption(
  options: RetryOptions,
): { member: keyof RetryOptions; problem: string } | undefined {
  for (const member of ['maxRetries', 'baseDelayMs', 'maxDelayMs'] as const) {
    const value: unknown = options[member];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      return { member, problem: `must be a non-negative integer, got ${JSON.stringify(value)}` };
    }
  }
  return undefined;
}
