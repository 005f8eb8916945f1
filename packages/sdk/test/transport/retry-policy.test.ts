import { describe, expect, it } from 'vitest';
import {
  WechatPayAbortError,
  WechatPayApiError,
  WechatPayConfigError,
  WechatPayNetworkError,
  WechatPaySignatureError,
  WechatPayTimeoutError,
  WechatPayValidationError,
} from '../../src/errors/index.js';
import {
  DEFAULT_RETRY_OPTIONS,
  decideRetry,
  findInvalidRetryOption,
  isRetryableFailure,
  parseRetryAfter,
} from '../../src/transport/retry-policy.js';

function apiError(status: number, headers: Record<string, string> = {}, retryable?: boolean) {
  return new WechatPayApiError({
    status,
    code: 'X',
    message: 'x',
    headers,
    body: '',
    method: 'POST',
    url: 'https://example.test/v3/x',
    retryable,
  });
}

const options = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000 };
const half = () => 0.5;

describe('isRetryableFailure', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(isRetryableFailure(apiError(status))).toBe(true);
  });

  it.each([400, 401, 403, 404, 405, 409, 501])('never retries HTTP %i', (status) => {
    expect(isRetryableFailure(apiError(status))).toBe(false);
  });

  it("follows the error's own retryable, not a second list of statuses", () => {
    expect(isRetryableFailure(apiError(400, {}, true))).toBe(true);
    expect(isRetryableFailure(apiError(503, {}, false))).toBe(false);
    expect(
      decideRetry({ error: apiError(400, {}, true), retriesSoFar: 0, options, nowMs: 0, random: half }),
    ).toEqual({
      retry: true,
      delayMs: 50,
    });
  });

  it('retries network errors and timeouts', () => {
    expect(isRetryableFailure(new WechatPayNetworkError('GET', 'u', new Error('ECONNREFUSED')))).toBe(true);
    expect(isRetryableFailure(new WechatPayTimeoutError('GET', 'u', 10))).toBe(true);
  });

  it('never retries an abort, a signature failure, a validation or a configuration error', () => {
    expect(isRetryableFailure(new WechatPayAbortError('GET', 'u'))).toBe(false);
    expect(isRetryableFailure(new WechatPaySignatureError('BAD_SIGNATURE', 'bad'))).toBe(false);
    expect(
      isRetryableFailure(
        new WechatPayValidationError({ operation: 'o', field: '/a', value: 1, issue: 'x', location: 'body' }),
      ),
    ).toBe(false);
    expect(isRetryableFailure(new WechatPayConfigError('privateKey', 'bad'))).toBe(false);
    expect(isRetryableFailure(new Error('plain'))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unusable value', () => {
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter('-5', 0)).toBeUndefined();
  });
});

describe('decideRetry', () => {
  it('backs off exponentially with jitter until maxRetries is reached', () => {
    const delays = [0, 1, 2].map((retriesSoFar) =>
      decideRetry({ error: apiError(503), retriesSoFar, options, nowMs: 0, random: half }),
    );
    expect(delays).toEqual([
      { retry: true, delayMs: 50 },
      { retry: true, delayMs: 100 },
      { retry: true, delayMs: 200 },
    ]);
    expect(decideRetry({ error: apiError(503), retriesSoFar: 3, options, nowMs: 0 })).toEqual({
      retry: false,
    });
  });

  it('honours Retry-After on a 429 instead of the backoff', () => {
    const error = apiError(429, { 'retry-after': '1' });
    expect(decideRetry({ error, retriesSoFar: 0, options, nowMs: 0, random: half })).toEqual({
      retry: true,
      delayMs: 1_000,
    });
  });

  it('gives up on a 429 whose Retry-After exceeds maxDelayMs rather than wait that long', () => {
    const error = apiError(429, { 'retry-after': '30' });
    expect(decideRetry({ error, retriesSoFar: 0, options, nowMs: 0 })).toEqual({ retry: false });
  });

  it('uses the backoff for a 429 without Retry-After', () => {
    expect(decideRetry({ error: apiError(429), retriesSoFar: 1, options, nowMs: 0, random: half })).toEqual({
      retry: true,
      delayMs: 100,
    });
  });

  it('does not retry a non-retryable error even with retries left', () => {
    expect(decideRetry({ error: apiError(400), retriesSoFar: 0, options, nowMs: 0 })).toEqual({
      retry: false,
    });
  });

  it('defaults to three retries', () => {
    expect(DEFAULT_RETRY_OPTIONS.maxRetries).toBe(3);
  });
});

describe('findInvalidRetryOption', () => {
  it('names the bad member', () => {
    expect(findInvalidRetryOption({ maxRetries: -1, baseDelayMs: 1, maxDelayMs: 1 })).toEqual({
      member: 'maxRetries',
      problem: 'must be a non-negative integer, got -1',
    });
    expect(findInvalidRetryOption({ maxRetries: 1, baseDelayMs: 1.5, maxDelayMs: 1 })?.member).toBe(
      'baseDelayMs',
    );
    expect(findInvalidRetryOption(DEFAULT_RETRY_OPTIONS)).toBeUndefined();
  });
});
