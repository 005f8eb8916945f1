import { buildRequestSignMessage, loadPrivateKey, signSha256WithRsa } from '@wxpay-kit/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, START_MS } from '../support/framework-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ rateLimits: false });
});
afterAll(() => h.close());

const GET_URL = '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/plfk2020042013';
const CLOSE_URL = `${GET_URL}/close`;
const nowSeconds = () => Math.floor(h.runtime.clock.now() / 1000);

function expectUnsigned401(res: Awaited<ReturnType<Harness['call']>>, message: string) {
  expect(res.statusCode).toBe(401);
  expect(res.json().code).toBe('SIGN_ERROR');
  expect(res.json().message).toBe(message);
  expect(res.headers['wechatpay-signature']).toBeUndefined();
  expect(res.headers['wechatpay-serial']).toBeUndefined();
  expect(res.headers['request-id']).toMatch(/^[0-9A-F]{44}-0$/);
}

async function rawCall(authorization: string | undefined, url = GET_URL) {
  return h.app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
}

async function header(order: string[], overrides: Record<string, string> = {}) {
  const m = h.credentials.merchants.ordinary;
  const timestamp = String(nowSeconds());
  const nonce = 'N0NCE0000000000000000000000000AB';
  const signature = await signSha256WithRsa(
    buildRequestSignMessage({ method: 'GET', url: GET_URL, timestamp, nonce, body: '' }),
    loadPrivateKey(m.privateKeyPem),
  );
  const values: Record<string, string> = {
    mchid: m.mchid,
    nonce_str: nonce,
    signature,
    timestamp,
    serial_no: m.serialNo,
    ...overrides,
  };
  return `WECHATPAY2-SHA256-RSA2048 ${order.map((k) => `${k}="${values[k]}"`).join(',')}`;
}

describe('verify-request (401 SIGN_ERROR, unsigned)', () => {
  it('accepts the five attributes in any order (WXPayUtility, Java/Go, PHP/axios orders)', async () => {
    for (const order of [
      ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'],
      ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'],
      ['mchid', 'serial_no', 'timestamp', 'nonce_str', 'signature'],
    ]) {
      const res = await rawCall(await header(order));
      expect(res.statusCode, order.join(',')).toBe(200);
    }
  });

  it('refuses a missing Authorization header', async () => {
    expectUnsigned401(await rawCall(undefined), 'HTTP头缺少Authorization');
  });

  it('refuses a wrong scheme', async () => {
    const value = (await header(['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'])).replace(
      'WECHATPAY2-SHA256-RSA2048',
      'WECHATPAY2-SM2-WITH-SM3',
    );
    expectUnsigned401(await rawCall(value), 'HTTP头Authorization认证类型不正确');
  });

  it('refuses a malformed header and a missing attribute', async () => {
    expectUnsigned401(
      await rawCall('WECHATPAY2-SHA256-RSA2048 mchid=1900007291'),
      'HTTP头Authorization值格式错误',
    );
    const missing = await rawCall(await header(['mchid', 'nonce_str', 'signature', 'timestamp']));
    expectUnsigned401(missing, 'HTTP头Authorization值格式错误');
    expect(missing.json().detail).toMatchObject({ field: 'serial_no', location: 'authorization' });
  });

  it('refuses an unknown mchid', async () => {
    const res = await rawCall(
      await header(['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'], { mchid: '1234567890' }),
    );
    expectUnsigned401(res, '商户未申请过证书。');
  });

  it('refuses a sub-merchant, which holds no API certificate', async () => {
    const sub = h.credentials.merchants.platform.subMerchants[0]!.mchid;
    const res = await rawCall(
      await header(['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'], { mchid: sub }),
    );
    expectUnsigned401(res, '商户未申请过证书。');
  });

  it('refuses a serial_no that is not the merchant certificate', async () => {
    const other = h.credentials.merchants.platform.serialNo;
    const res = await rawCall(
      await header(['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'], { serial_no: other }),
    );
    expectUnsigned401(res, '商户证书序列号有误。');
  });

  it('refuses timestamps 301 s in the past and in the future, accepts 300 s', async () => {
    const stale = 'Http头Authorization中的timestamp与发起请求的时间不得超过5分钟';
    expectUnsigned401(
      await h.call('ordinary', { method: 'GET', url: GET_URL, timestamp: nowSeconds() - 301 }),
      stale,
    );
    expectUnsigned401(
      await h.call('ordinary', { method: 'GET', url: GET_URL, timestamp: nowSeconds() + 301 }),
      stale,
    );
    expect(
      (await h.call('ordinary', { method: 'GET', url: GET_URL, timestamp: nowSeconds() - 300 })).statusCode,
    ).toBe(200);
    expect(
      (await h.call('ordinary', { method: 'GET', url: GET_URL, timestamp: nowSeconds() + 300 })).statusCode,
    ).toBe(200);
  });

  it('measures the timestamp on the virtual clock, and also accepts wall-clock time after the clock moved', async () => {
    expect(Math.abs(h.runtime.clock.now() - START_MS)).toBeLessThan(24 * 3600 * 1000);
    expect(Math.abs(Date.now() - START_MS)).toBeGreaterThan(3600 * 1000);
    const wall = await h.call('ordinary', {
      method: 'GET',
      url: GET_URL,
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect(wall.statusCode).toBe(200);
  });

  it('refuses a signature made with another key, echoing the exact sign_information', async () => {
    const body = '{"sub_mchid":"1900001121","x":"中文内容"}';
    const nonce = 'abcdefghijklmnopqrstuvwxyz012345';
    const timestamp = nowSeconds();
    const url =
      '/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/plfk2020042013/cancel?x=%7B1%7D';
    const res = await h.call('ordinary', { method: 'POST', url, body, timestamp, nonce }, 'platform');
    expectUnsigned401(res, '错误的签名，导致验签失败。');
    const full = `POST\n${url}\n${timestamp}\n${nonce}\n${body}\n`;
    expect(res.json().detail).toEqual({
      detail: { issue: 'sign not match' },
      field: 'signature',
      location: 'authorization',
      sign_information: {
        method: 'POST',
        url,
        truncated_sign_message: `POST\n${url}\n${timestamp}\n${nonce}\n{"sub_mc\n`,
        sign_message_length: Buffer.byteLength(full, 'utf8'),
      },
    });
  });

  it('refuses a body altered after signing (verification uses the raw bytes received)', async () => {
    const res = await h.call('ordinary', {
      method: 'POST',
      url: CLOSE_URL,
      body: '{ }',
      signedBody: '{}',
    });
    expectUnsigned401(res, '错误的签名，导致验签失败。');
  });

  it('verifies against the raw URL: a query signed in another percent-encoding fails', async () => {
    const sub = h.credentials.merchants.platform.subMerchants[0]!.mchid;
    const base = '/v3/platsolution/ecommerce/recharges/out-recharge-no/CZ1';
    const asSent = `${base}?sub_mchid=${sub}&note=a%20b`;
    const ok = await h.call('platform', { method: 'GET', url: asSent });
    expect(ok.statusCode).toBe(200);
    const other = await h.call('platform', {
      method: 'GET',
      url: asSent,
      signedUrl: `${base}?sub_mchid=${sub}&note=a+b`,
    });
    expectUnsigned401(other, '错误的签名，导致验签失败。');
  });
});
