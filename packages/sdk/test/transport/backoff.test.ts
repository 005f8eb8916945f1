import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/transport/backoff.js';

const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles the ceiling with every retry and caps it at maxDelayMs', () => {
    const nearlyOne = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, options, nearlyOne))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });

  it('applies full jitter: a draw of 0 waits nothing, a draw of 0.5 waits half the ceiling', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(400);
  });

  it('stays within [0, ceiling) with the default random source', () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(2, options);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(400);
    }
  });
});
