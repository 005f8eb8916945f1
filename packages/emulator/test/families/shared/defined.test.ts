import { describe, expect, it } from 'vitest';
import { defined, pickDefined } from '../../../src/families/shared/defined.js';

describe('defined', () => {
  it('drops undefined members and keeps null, false, 0 and empty strings', () => {
    expect(defined({ a: undefined, b: null, c: false, d: 0, e: '' })).toEqual({
      b: null,
      c: false,
      d: 0,
      e: '',
    });
    expect(Object.keys(defined({ a: undefined, b: 1 }))).toEqual(['b']);
  });
});

describe('pickDefined', () => {
  it('takes the listed members that are set, in the order of the list', () => {
    const source = { z: 1, a: 2, m: undefined as number | undefined, hidden: 'x' };
    expect(Object.keys(pickDefined(source, ['m', 'a', 'z']))).toEqual(['a', 'z']);
  });

  it('copies nested values so the result never aliases the source', () => {
    const source = { amount: { value: 1 } };
    const picked = pickDefined(source, ['amount']);
    expect(picked).toEqual({ amount: { value: 1 } });
    expect(picked['amount']).not.toBe(source.amount);
  });
});
