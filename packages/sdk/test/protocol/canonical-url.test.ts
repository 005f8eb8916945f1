import { buildQueryString, expandPath } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';

describe('expandPath', () => {
  it('percent-encodes each parameter', () => {
    expect(expandPath('/a/{x}/b', { x: 'p q/1' })).toBe('/a/p%20q%2F1/b');
  });

  it('fills several placeholders and leaves ordinary ids unchanged', () => {
    const path = '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel';
    expect(expandPath(path, { out_bill_no: 'plfk2020042013' })).toBe(
      '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/plfk2020042013/cancel',
    );
    expect(expandPath('/{a}/{b}', { a: 1, b: '中' })).toBe('/1/%E4%B8%AD');
  });

  it('throws naming a missing parameter', () => {
    expect(() => expandPath('/a/{out_bill_no}', {})).toThrow(/missing path parameter "out_bill_no"/);
  });

  it('throws on an empty parameter instead of producing //', () => {
    expect(() => expandPath('/a/{x}/b', { x: '' })).toThrow(/"x" is empty/);
  });
});

describe('buildQueryString', () => {
  it('is empty without a query or with only undefined values', () => {
    expect(buildQueryString(undefined)).toBe('');
    expect(buildQueryString({ a: undefined })).toBe('');
  });

  it('keeps insertion order, skips undefined and encodes values', () => {
    expect(buildQueryString({ sub_mchid: '1900001121', skip: undefined, b: 'x y', a: '{"k":1}' })).toBe(
      '?sub_mchid=1900001121&b=x%20y&a=%7B%22k%22%3A1%7D',
    );
  });

  it('writes numbers and booleans as text', () => {
    expect(buildQueryString({ limit: 5, offset: 10, all: true })).toBe('?limit=5&offset=10&all=true');
  });
});
