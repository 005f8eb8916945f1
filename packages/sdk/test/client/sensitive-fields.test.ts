import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/client/resolve-options.js';
import {
  encryptRequestBody,
  hasValueAtPointers,
  redactSensitive,
  transformAtPointers,
} from '../../src/client/sensitive-fields.js';
import { rsaOaepDecrypt } from '../../src/protocol/index.js';
import { testClientOptions } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

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

describe('encryptRequestBody', () => {
  const context = resolveOptions(testClientOptions('https://api.mch.weixin.qq.com'));
  const platformId = testKeys().platform.id;

  it('encrypts the fields present for the platform key and names its id', () => {
    const { body, wechatpaySerial } = encryptRequestBody(
      context,
      { name: '张三', n: 1 },
      ['/name', '/absent'],
      false,
    );
    expect(wechatpaySerial).toBe(platformId);
    expect(rsaOaepDecrypt(String((body as { name: string }).name), testKeys().platform.privateKey)).toBe(
      '张三',
    );
    expect((body as { n: number }).n).toBe(1);
  });

  it('sends the serial without encrypting when the row requires it, and neither otherwise', () => {
    expect(encryptRequestBody(context, { n: 1 }, ['/name'], true)).toEqual({
      body: { n: 1 },
      wechatpaySerial: platformId,
    });
    expect(encryptRequestBody(context, { n: 1 }, ['/name'], false)).toEqual({
      body: { n: 1 },
      wechatpaySerial: undefined,
    });
  });
});

describe('redactSensitive', () => {
  const pointers = ['/payee/id_no', '/items/*/name'];

  it('redacts a value that is a sensitive field or lies inside one', () => {
    expect(redactSensitive('110101', '/payee/id_no', pointers)).toBe('[REDACTED]');
    expect(redactSensitive('x', '/payee/id_no/0', pointers)).toBe('[REDACTED]');
    expect(redactSensitive('Ann', '/items/3/name', pointers)).toBe('[REDACTED]');
  });

  it('redacts the sensitive members of a value that contains them, leaving the rest', () => {
    expect(redactSensitive({ id_no: '110101', kind: 'ID' }, '/payee', pointers)).toEqual({
      id_no: '[REDACTED]',
      kind: 'ID',
    });
    expect(redactSensitive([{ name: 'Ann', n: 1 }], '/items', pointers)).toEqual([
      { name: '[REDACTED]', n: 1 },
    ]);
  });

  it('leaves other fields as they are', () => {
    expect(redactSensitive('ID', '/payee/kind', pointers)).toBe('ID');
    expect(redactSensitive(5, '/amount', pointers)).toBe(5);
  });
});
