import { describe, expect, it } from 'vitest';
import { hasValueAtPointers, transformAtPointers } from '../../src/client/sensitive-fields.js';

const upper = (text: string) => text.toUpperCase();

describe('transformAtPointers', () => {
  it('transforms strings at nested pointers and leaves the input untouched', () => {
    const input = { a: { b: 'x', c: 'y' }, d: 'z' };
    expect(transformAtPointers(input, ['/a/b', '/d'], upper)).toEqual({ a: { b: 'X', c: 'y' }, d: 'Z' });
    expect(input).toEqual({ a: { b: 'x', c: 'y' }, d: 'z' });
  });

  it('skips absent targets and non-strings', () => {
    const input = { a: { n: 1 } };
    expect(transformAtPointers(input, ['/a/b', '/a/n', '/q/r'], upper)).toEqual(input);
  });

  it('walks arrays by index and by *', () => {
    const input = { list: [{ v: 'a' }, { v: 'b' }] };
    expect(transformAtPointers(input, ['/list/*/v'], upper)).toEqual({ list: [{ v: 'A' }, { v: 'B' }] });
    expect(transformAtPointers(input, ['/list/1/v'], upper)).toEqual({ list: [{ v: 'a' }, { v: 'B' }] });
    expect(transformAtPointers(input, ['/list/7/v'], upper)).toEqual(input);
  });

  it('unescapes ~1 and ~0', () => {
    expect(transformAtPointers({ 'a/b': 'x', 'c~d': 'y' }, ['/a~1b', '/c~0d'], upper)).toEqual({
      'a/b': 'X',
      'c~d': 'Y',
    });
  });

  it('refuses a string that is not a pointer', () => {
    expect(() => transformAtPointers({}, ['user_name'], upper)).toThrow(/not a JSON pointer/);
  });
});

describe('hasValueAtPointers', () => {
  it('says whether any pointer addresses a present string', () => {
    expect(hasValueAtPointers({ user_name: 'x' }, ['/user_name'])).toBe(true);
    expect(hasValueAtPointers({ other: 'x' }, ['/user_name'])).toBe(false);
    expect(hasValueAtPointers(undefined, ['/user_name'])).toBe(false);
  });
});
