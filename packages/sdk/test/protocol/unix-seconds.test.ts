import { unixSeconds } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';

describe('unixSeconds', () => {
  it('turns a clock reading in epoch milliseconds into whole Unix seconds, rounding down', () => {
    expect(unixSeconds(1_554_208_460_999)).toBe(1_554_208_460);
    expect(unixSeconds(1_554_208_460_000)).toBe(1_554_208_460);
  });

  it('reads the system clock by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const now = unixSeconds();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});
