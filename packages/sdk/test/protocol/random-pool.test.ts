import { describe, expect, it } from 'vitest';
import { randomBase64, randomUpperHex } from '../../src/protocol/random-pool.js';

describe('random pool', () => {
  it('hands out every byte once, across refills of the pool', () => {
    // 22 bytes does not divide 4096: draws straddle the end of the pool and force refills.
    const ids = Array.from({ length: 1000 }, () => randomUpperHex(22));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9A-F]{44}$/);
  });

  it('gives Base64 of the asked size and refuses sizes it cannot serve', () => {
    expect(Buffer.from(randomBase64(48), 'base64')).toHaveLength(48);
    expect(() => randomUpperHex(0)).toThrow(RangeError);
    expect(() => randomUpperHex(4097)).toThrow(RangeError);
  });
});
