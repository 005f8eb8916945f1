import { describe, expect, it } from 'vitest';
import { checkNotifyUrl } from '../../../src/families/shared/notify-url.js';
import { errorOf } from '../support/family-harness.js';

const strict = { asyncStepMs: 1000, allowInsecureNotifyUrls: false };
const lax = { ...strict, allowInsecureNotifyUrls: true };

describe('checkNotifyUrl', () => {
  it.each([
    'https://merchant.example.com/notify',
    'https://merchant.example.com:8443/a/b',
    'https://8.8.8.8/notify',
    'https://[2001:db8::1]/notify',
    'https://172.32.0.1/notify',
  ])('accepts %s', (url) => {
    expect(() => checkNotifyUrl(url, '/notify_url', strict)).not.toThrow();
  });

  it.each([
    ['http://merchant.example.com/notify', 'must use https:// (http:// needs allowInsecureNotifyUrls)'],
    ['https://merchant.example.com/notify?x=1', 'must not carry query parameters'],
    ['https://merchant.example.com/notify?', 'must not carry query parameters'],
    ['https://merchant.example.com/notify#top', 'must not carry a fragment'],
    ['https://localhost/notify', 'publicly reachable'],
    ['https://api.localhost/notify', 'publicly reachable'],
    ['https://127.0.0.1/notify', 'publicly reachable'],
    ['https://0x7f.1/notify', 'publicly reachable'],
    ['https://0.0.0.0/notify', 'publicly reachable'],
    ['https://10.1.2.3/notify', 'publicly reachable'],
    ['https://169.254.169.254/notify', 'publicly reachable'],
    ['https://172.20.1.1/notify', 'publicly reachable'],
    ['https://192.168.1.20/notify', 'publicly reachable'],
    ['https://[::1]/notify', 'publicly reachable'],
    ['https://[::]/notify', 'publicly reachable'],
    ['https://[fd12:3456::1]/notify', 'publicly reachable'],
    ['https://[fe80::1]/notify', 'publicly reachable'],
    ['https://[::ffff:127.0.0.1]/notify', 'publicly reachable'],
    ['/relative/notify', 'must be an absolute URL'],
    ['not a url', 'must be an absolute URL'],
  ])('refuses %s with 400 PARAM_ERROR naming the field', (url, issue) => {
    const error = errorOf(() => checkNotifyUrl(url, '/authorization_notify_url', strict));
    expect(error).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: '/authorization_notify_url', value: url, location: 'body' },
    });
    expect(error.detail?.issue).toContain(issue);
    expect(error.message).toBe(`authorization_notify_url: ${error.detail?.issue}`);
  });

  it('with allowInsecureNotifyUrls takes http and private hosts, still not query strings, fragments or other schemes', () => {
    expect(() => checkNotifyUrl('http://127.0.0.1:3000/notify', '/notify_url', lax)).not.toThrow();
    expect(() => checkNotifyUrl('http://localhost/notify', '/notify_url', lax)).not.toThrow();
    expect(() => checkNotifyUrl('https://192.168.1.20/notify', '/notify_url', lax)).not.toThrow();
    expect(errorOf(() => checkNotifyUrl('http://localhost/n?x=1', '/notify_url', lax)).message).toContain(
      'query parameters',
    );
    expect(errorOf(() => checkNotifyUrl('http://localhost/n#x', '/notify_url', lax)).message).toContain(
      'fragment',
    );
    expect(errorOf(() => checkNotifyUrl('ftp://example.com/n', '/notify_url', lax)).message).toBe(
      'notify_url: must use https:// or http://',
    );
  });
});
