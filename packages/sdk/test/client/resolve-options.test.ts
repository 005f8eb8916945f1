import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WechatPay } from '../../src/client/wechat-pay.js';
import type { WechatPayOptions } from '../../src/client/wechat-pay-options.js';
import { WechatPayConfigError } from '../../src/errors/index.js';
import { testClientOptions } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

const valid = () => testClientOptions('https://api.mch.weixin.qq.com');

function configError(options: unknown): WechatPayConfigError {
  try {
    new WechatPay(options as WechatPayOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(WechatPayConfigError);
    return error as WechatPayConfigError;
  }
  throw new Error('expected a WechatPayConfigError');
}

describe('new WechatPay(options)', () => {
  it('accepts the private key as PEM text, a file path, bytes or a KeyObject', () => {
    const keys = testKeys();
    const path = join(mkdtempSync(join(tmpdir(), 'wxpay-kit-')), 'apiclient_key.pem');
    writeFileSync(path, keys.merchant.privateKeyPem);
    for (const privateKey of [
      keys.merchant.privateKeyPem,
      path,
      Buffer.from(keys.merchant.privateKeyPem),
      keys.merchant.privateKey,
    ]) {
      expect(new WechatPay({ ...valid(), privateKey }).mchid).toBe(keys.merchant.mchid);
    }
  });

  it('names privateKey and the path when the key file does not exist', () => {
    const error = configError({ ...valid(), privateKey: '/no/such/dir/apiclient_key.pem' });
    expect(error.input).toBe('privateKey');
    expect(error.message).toContain('/no/such/dir/apiclient_key.pem');
  });

  it('requires a WeChat Pay public key, platform certificates, or an APIv3 key to download them with', () => {
    const error = configError({ ...valid(), wechatpayPublicKey: undefined, platformCertificates: [] });
    expect(error.input).toBe('wechatpayPublicKey');
    expect(error.message).toMatch(/platform certificates, or an apiV3Key/);
  });

  it("refuses platformCertificates: 'auto' without the APIv3 key that decrypts the download", () => {
    const error = configError({ ...valid(), apiV3Key: undefined, platformCertificates: 'auto' });
    expect(error.input).toBe('apiV3Key');
  });

  it('refuses a platformCertificates value that is neither a list nor auto', () => {
    for (const value of ['yes', { auto: 'true' }, 42]) {
      const error = configError({ ...valid(), platformCertificates: value as never });
      expect(error.input).toBe('platformCertificates');
    }
    const store = configError({ ...valid(), platformCertificates: { auto: true, store: {} as never } });
    expect(store.input).toBe('platformCertificates.store');
  });

  it('checks the public key id', () => {
    const error = configError({
      ...valid(),
      wechatpayPublicKey: { id: '1234', key: testKeys().platform.publicKeyPem },
    });
    expect(error.input).toBe('wechatpayPublicKey.id');
  });

  it.each([
    ['mchid', { mchid: 'merchant' }],
    ['mchid', { mchid: undefined }],
    ['serialNo', { serialNo: 'not hex!' }],
    ['apiV3Key', { apiV3Key: 'short' }],
    ['baseUrl', { baseUrl: 'api.mch.weixin.qq.com' }],
    ['baseUrl', { baseUrl: 'ftp://127.0.0.1' }],
    ['baseUrl', { baseUrl: 'https://proxy.example/prefix' }],
    ['backupBaseUrl', { backupBaseUrl: 'nope' }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: 1.5 }],
    ['deadlineMs', { deadlineMs: 0 }],
    ['deadlineMs', { deadlineMs: '30s' }],
    ['retry.maxRetries', { retry: { maxRetries: -1 } }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: 'long' } }],
    ['retry', { retry: true }],
    ['rateLimit', { rateLimit: true }],
    ['rateLimit.store', { rateLimit: { store: {} } }],
    ['userAgent', { userAgent: 'a\r\nX-Injected: 1' }],
    ['fetch', { fetch: 'fetch' }],
    ['proxy', { proxy: 'proxy.corp:3128' }],
    ['proxy', { proxy: 'socks5://127.0.0.1:1080' }],
    ['proxy', { proxy: 'http://127.0.0.1:3128/path' }],
    ['agent', { agent: { keepAlive: true } }],
    // Each of fetch, proxy and agent decides how requests go out: two of them would leave one ignored.
    ['proxy', { fetch: async () => new Response(), proxy: 'http://127.0.0.1:3128' }],
    ['agent', { proxy: 'http://127.0.0.1:3128', agent: new HttpAgent() }],
    ['now', { now: 5 }],
    ['hooks.onRequest', { hooks: { onRequest: 'log' } }],
    ['platformCertificates', { wechatpayPublicKey: undefined, platformCertificates: 'cert.pem' }],
  ])('rejects a bad %s', (input, override) => {
    expect(configError({ ...valid(), ...override }).input).toBe(input);
  });

  it('rejects a misspelt hook, naming it and the known ones', () => {
    const error = configError({ ...valid(), hooks: { onReqeust: () => {} } });
    expect(error.input).toBe('hooks.onReqeust');
    expect(error.message).toBe(
      'hooks.onReqeust: is not a known hook; the known ones are onRequest, onResponse, onRetry, onError',
    );
  });

  it('rejects a missing options object', () => {
    expect(configError(undefined).input).toBe('options');
  });

  it('never echoes the APIv3 key in its error', () => {
    const secret = 'not-the-right-length-secret-key';
    expect(configError({ ...valid(), apiV3Key: secret }).message).not.toContain(secret);
  });

  it('rejects a bad per-call timeout before sending', async () => {
    let sent = 0;
    const wxpay = new WechatPay({
      ...valid(),
      fetch: async () => {
        sent++;
        return new Response('');
      },
    });
    await expect(
      wxpay.authorizations.get({ out_authorization_no: 'A1' }, { timeoutMs: -1 }),
    ).rejects.toMatchObject({
      input: 'timeoutMs',
    });
    await expect(
      wxpay.authorizations.get({ out_authorization_no: 'A1' }, { deadlineMs: 2.5 }),
    ).rejects.toMatchObject({ input: 'deadlineMs' });
    await expect(wxpay.request({ method: 'GET', path: '/v3/x', deadlineMs: -5 })).rejects.toMatchObject({
      input: 'deadlineMs',
    });
    await expect(
      wxpay.authorizations.get({ out_authorization_no: 'A1' }, { signal: 'stop' as unknown as AbortSignal }),
    ).rejects.toMatchObject({ input: 'options.signal' });
    expect(sent).toBe(0);
  });

  it('fails over to api2.mch.weixin.qq.com by default, and to nothing from a custom baseUrl', async () => {
    const urls: string[] = [];
    const fetch = async (url: string) => {
      urls.push(url);
      throw new TypeError('fetch failed');
    };
    const retry = { maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 };
    const sleep = async () => {};
    const byDefault = new WechatPay({ ...valid(), baseUrl: undefined, fetch, retry, sleep });
    await expect(byDefault.authorizations.get({ out_authorization_no: 'A1' })).rejects.toThrow(
      /network error/,
    );
    expect(urls.map((u) => new URL(u).origin)).toEqual([
      'https://api.mch.weixin.qq.com',
      'https://api2.mch.weixin.qq.com',
    ]);
    urls.length = 0;
    const custom = new WechatPay({ ...valid(), baseUrl: 'http://127.0.0.1:9', fetch, retry, sleep });
    await expect(custom.authorizations.get({ out_authorization_no: 'A1' })).rejects.toThrow(/network error/);
    expect(urls.map((u) => new URL(u).origin)).toEqual(['http://127.0.0.1:9', 'http://127.0.0.1:9']);
  });
});
