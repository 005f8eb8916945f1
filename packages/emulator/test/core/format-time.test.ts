import { describe, expect, it } from 'vitest';
import { formatTime, parseTime } from '../../src/core/format-time.js';

describe('formatTime', () => {
  it('writes RFC 3339 in Beijing time with milliseconds and +08:00, as the official examples do', () => {
    expect(formatTime(Date.parse('2015-05-20T05:29:35.120Z'))).toBe('2015-05-20T13:29:35.120+08:00');
    expect(formatTime(Date.parse('2026-11-22T10:59:21Z'))).toBe('2026-11-22T18:59:21.000+08:00');
    expect(formatTime(Date.parse('2026-12-31T16:00:00.999Z'))).toBe('2027-01-01T00:00:00.999+08:00');
  });

  it('refuses a non-finite instant', () => {
    expect(() => formatTime(Number.NaN)).toThrow(/epoch milliseconds/);
  });
});

describe('parseTime', () => {
  it('reads any offset and fractions, and round-trips formatTime', () => {
    expect(parseTime('2015-05-20T13:29:35.120+08:00')).toBe(Date.parse('2015-05-20T05:29:35.120Z'));
    expect(parseTime('2015-05-20T05:29:35Z')).toBe(Date.parse('2015-05-20T05:29:35Z'));
    const ms = Date.parse('2026-03-04T05:06:07Z');
    expect(parseTime(formatTime(ms))).toBe(ms);
  });

  it('returns undefined for text that is not RFC 3339', () => {
    expect(parseTime('2015-05-20 13:29:35')).toBeUndefined();
    expect(parseTime('yesterday')).toBeUndefined();
  });
});
