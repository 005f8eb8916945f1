import { describe, expect, it } from 'vitest';
import { replaceAtPointer } from '../../src/wire/json-pointer.js';

describe('replaceAtPointer', () => {
  it('replaces a value that exists, following escaped tokens', () => {
    const doc = { payee: { 'a/b': { name: 'x' } }, list: ['p', 'q'] };
    replaceAtPointer(doc, '/payee/a~1b/name', '***');
    replaceAtPointer(doc, '/list/1', 'r');
    expect(doc).toEqual({ payee: { 'a/b': { name: '***' } }, list: ['p', 'r'] });
  });

  it('adds nothing where the path does not exist, and leaves the root alone', () => {
    const doc: Record<string, unknown> = { payee: {} };
    replaceAtPointer(doc, '/payee/name', '***');
    replaceAtPointer(doc, '/missing/name', '***');
    replaceAtPointer(doc, '', '***');
    expect(doc).toEqual({ payee: {} });
  });
});
