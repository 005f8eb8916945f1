import { describe, expect, it } from 'vitest';
import { canonicalJson, checkNotifyUrl } from '../../../src/families/transfer-bills/request-rules.js';
import { errorOf } from '../support/fake-deps.js';

const strict = { asyncStepMs: 1000, allowInsecureNotifyUrls: false };
const lax = { ...strict, allowInsecureNotifyUrls: true };

describe('transfer-bills request rules', () => {
  it('canonicalJson sorts keys at every level, keeps array order and drops undefined members', () => {
    const a = { b: 1, a: { d: [{ y: 1, x: 2 }], c: 'z' }, u: undefined };
    const b = { a: { c: 'z', d: [{ x: 2, y: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"z","d":[{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson({ list: [1, 2] })).not.toBe(canonicalJson({ list: [2, 1] }));
  });

  it.each([
    'https://merchant.example.com/notify',
    'https://merchant.example.com:8443/a/b',
    'https://8.8.8.8/notify',
  ])('accepts %s', (url) => {
    expect(() => checkNotifyUrl(url, '/notify_url', strict)).not.toThrow();
  });

  it.each([
    ['http://merchant.example.com/notify', 'must use https://'],
    ['https://merchant.example.com/notify?x=1', 'query'],
    ['https://merchant.example.com/notify#top', 'fragment'],
    ['https://127.0.0.1/notify', 'publicly reachable'],
    ['https://[::1]/notify', 'publicly reachable'],
    ['https://172.20.1.1/notify', 'publicly reachable'],
    ['https://api.localhost/notify', 'publicly reachable'],
    ['/relative/notify', 'absolute URL'],
  ])('refuses %s with PARAM_ERROR naming the field', (url, issue) => {
    const error = errorOf(() => checkNotifyUrl(url, '/notify_url', strict));
    expect(error).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: '/notify_url', value: url },
    });
    expect(error.message).toContain(issue);
    expect(error.message).toMatch(/^notify_url: /);
  });

  it('with allowInsecureNotifyUrls takes http and loopback, still not query strings or other schemes', () => {
    expect(() => checkNotifyUrl('http://127.0.0.1:3000/notify', '/notify_url', lax)).not.toThrow();
    expect(() => checkNotifyUrl('http://localhost/notify', '/notify_url', lax)).not.toThrow();
    expect(errorOf(() => checkNotifyUrl('http://localhost/n?x=1', '/notify_url', lax)).code).toBe(
      'PARAM_ERROR',
    );
    expect(errorOf(() => checkNotifyUrl('ftp://example.com/n', '/notify_url', lax)).code).toBe('PARAM_ERROR');
  });
});
