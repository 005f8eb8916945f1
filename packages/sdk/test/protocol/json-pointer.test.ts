import { escapePointerToken, formatPointer, getAtPointer, parsePointer } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';

describe('JSON pointers (RFC 6901)', () => {
  it('escapes ~ before / so a token round-trips', () => {
    expect(escapePointerToken('a/b~c')).toBe('a~1b~0c');
    expect(escapePointerToken('~1')).toBe('~01');
    expect(parsePointer(`/${escapePointerToken('~1')}`)).toEqual(['~1']);
  });

  it('parses a pointer into unescaped tokens; the empty pointer is the whole document', () => {
    expect(parsePointer('/payee_info/a~1b/c~0d')).toEqual(['payee_info', 'a/b', 'c~d']);
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
  });

  it('refuses text that does not start with /', () => {
    expect(() => parsePointer('user_name')).toThrow(/not a JSON pointer: "user_name"/);
  });

  it('formats tokens back into a pointer', () => {
    expect(formatPointer(['payee_info', 'a/b', 'c~d'])).toBe('/payee_info/a~1b/c~0d');
    expect(formatPointer([])).toBe('');
  });

  it('reads own members only, through objects and arrays', () => {
    const doc = { a: { 'b/c': [10, 20] } };
    expect(getAtPointer(doc, '/a/b~1c/1')).toBe(20);
    expect(getAtPointer(doc, '')).toBe(doc);
    expect(getAtPointer(doc, '/a/missing')).toBeUndefined();
    expect(getAtPointer(doc, '/a/toString')).toBeUndefined();
    expect(getAtPointer('text', '/length')).toBeUndefined();
  });
});
