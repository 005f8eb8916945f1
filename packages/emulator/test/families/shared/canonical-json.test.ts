import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/families/shared/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order and drops undefined members', () => {
    const a = { b: 1, a: { d: [{ y: 1, x: 2 }], c: 'z' }, u: undefined };
    const b = { a: { c: 'z', d: [{ x: 2, y: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"z","d":[{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson({ list: [1, 2] })).not.toBe(canonicalJson({ list: [2, 1] }));
  });

  it('tells apart values that differ only in type or nesting', () => {
    expect(canonicalJson({ amount: 1 })).not.toBe(canonicalJson({ amount: '1' }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson({ a: { b: 1 } })).not.toBe(canonicalJson({ a: [{ b: 1 }] }));
  });

  it('passes scalars through as JSON', () => {
    expect(canonicalJson('文本')).toBe('"文本"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(42)).toBe('42');
  });
});

describe('canonicalJson of parsed request bodies', () => {
  it('keeps a __proto__ member as a member (JSON.parse makes it an own key) and orders integer-like keys as JSON does', () => {
    const body = JSON.parse('{"b":1,"__proto__":{"x":1},"10":"t","2":"s"}');
    expect(canonicalJson(body)).toBe('{"2":"s","10":"t","__proto__":{"x":1},"b":1}');
    expect(canonicalJson(body)).not.toBe(canonicalJson({ b: 1, 10: 't', 2: 's' }));
  });
});
