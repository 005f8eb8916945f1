import { generateNonce } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';

describe('generateNonce', () => {
  it('defaults to 32 characters from [0-9A-Za-z]', () => {
    expect(generateNonce()).toMatch(/^[0-9A-Za-z]{32}$/);
  });

  it('honours the length, e.g. 12 for GCM nonces', () => {
    expect(generateNonce(12)).toMatch(/^[0-9A-Za-z]{12}$/);
  });

  it('uses the whole alphabet and does not repeat', () => {
    const sample = Array.from({ length: 100 }, () => generateNonce()).join('');
    expect(new Set(sample).size).toBe(62);
    expect(new Set(Array.from({ length: 100 }, () => generateNonce())).size).toBe(100);
  });

  it('draws fresh bytes across batches: 2,000 nonces (several refills of the random pool) are all distinct', () => {
    const nonces = Array.from({ length: 2000 }, () => generateNonce());
    expect(new Set(nonces).size).toBe(2000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9A-Za-z]{32}$/);
  });

  it.each([0, -1, 1.5])('refuses length %s', (length) => {
    expect(() => generateNonce(length)).toThrow(RangeError);
  });
});
