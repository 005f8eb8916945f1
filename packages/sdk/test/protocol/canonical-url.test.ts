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

  it('expands a template again with other values, adjacent placeholders and literal braces alike', () => {
    expect(expandPath('/a/{x}', { x: 'one' })).toBe('/a/one');
    expect(expandPath('/a/{x}', { x: 'two' })).toBe('/a/two');
    expect(expandPath('/{a}{b}/{}', { a: 'x', b: 'y' })).toBe('/xy/{}');
  });

  it('keeps expanding correctly past the bound of its template cache', () => {
    for (let i = 0; i < 1200; i++) expect(expandPath(`/t${i}/{id}`, { id: i })).toBe(`/t${i}/${i}`);
  });

  it('throws naming a missing parameter', () => {
    expect(() => expandPath('/a/{out_bill_no}', {})).toThrow(/missing path parameter "out_bill_no"/);
  });

  it('throws on an empty parameter instead of producing //', () => {
    expect(() => expandPath('/a/{x}/b', { x: '' })).toThrow(/"x" is empty/);
  });

  it.each(['.', '..'])('refuses %s, which the URL parser would resolve as a path segment', (value) => {
    expect(() => expandPath('/v3/a/{id}/b', { id: value })).toThrow(
      `expandPath: path parameter "id" is "${value}", which the URL parser would resolve away; it cannot be sent`,
    );
  });

  it('accepts dots inside a longer value', () => {
    expect(expandPath('/a/{x}', { x: '...' })).toBe('/a/...');
    expect(expandPath('/a/{x}', { x: '.a' })).toBe('/a/.a');
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

  it("percent-encodes every character outside RFC 3986 unreserved, including !'()*", () => {
    expect(buildQueryString({ name: "O'Brien (Jr.)!*", tilde: 'a-b_c.d~e' })).toBe(
      '?name=O%27Brien%20%28Jr.%29%21%2A&tilde=a-b_c.d~e',
    );
    expect(buildQueryString({ "k'": 'v' })).toBe('?k%27=v');
  });

  it('writes numbers and booleans as text', () => {
    expect(buildQueryString({ limit: 5, offset: 10, all: true })).toBe('?limit=5&offset=10&all=true');
  });
});
