import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/framework-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ rateLimits: false });
});
afterEach(() => h.close());

const platformSub = () => h.credentials.merchants.platform.subMerchants[0]!.mchid;
const applyBody = (no: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    sub_mchid: platformSub(),
    out_recharge_no: no,
    recharge_scene: 'ECOMMERCE_DEPOSIT',
    account_type: 'DEPOSIT',
    recharge_amount: { amount: 100, currency: 'CNY' },
    ...extra,
  });

describe('buildApp pipeline', () => {
  it('recharges.get hands the handler the verified caller, decoded path params and the query', async () => {
    const sub = platformSub();
    const res = await h.call('platform', {
      method: 'GET',
      url: `/v3/platsolution/ecommerce/recharges/out-recharge-no/CZ%32001?sub_mchid=${sub}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      operation: 'recharges.get',
      caller: { mchid: h.credentials.merchants.platform.mchid, role: 'platform', kind: 'platform' },
      params: { out_recharge_no: 'CZ2001' },
      query: { sub_mchid: sub },
      body: null,
    });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('recharges.apply runs the handler in a transaction: a crash after a write leaves nothing behind', async () => {
    const res = await h.call('platform', {
      method: 'POST',
      url: '/v3/platsolution/ecommerce/recharges/apply',
      body: applyBody('BOOM'),
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'SYSTEM_ERROR', message: '系统异常,请稍后重试' });
    expect(res.headers['wechatpay-signature']).toBeDefined();
    expect(h.runtime.db.prepare('SELECT COUNT(*) AS n FROM test_items').get()).toEqual({ n: 0 });
  });

  it('recharges.apply: an ApiError from the handler becomes the signed error reply', async () => {
    const res = await h.call('platform', {
      method: 'POST',
      url: '/v3/platsolution/ecommerce/recharges/apply',
      body: applyBody('REFUSED'),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'INVALID_REQUEST', message: 'refused by the test family' });
    expect(res.headers['wechatpay-signature']).toBeDefined();
  });

  it('recharges.apply commits the record and its timer together', async () => {
    const res = await h.call('platform', {
      method: 'POST',
      url: '/v3/platsolution/ecommerce/recharges/apply',
      body: applyBody('CZ1'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().recharge_id).toMatch(/^1000\d{23}$/);
    expect(h.runtime.db.prepare('SELECT state FROM test_items WHERE no = ?').get('CZ1')).toEqual({
      state: 'RECHARGING',
    });
    expect(h.runtime.db.prepare(`SELECT kind, ref, state FROM timers`).all()).toEqual([
      { kind: 'expire', ref: 'CZ1', state: 'pending' },
    ]);
  });

  it('an operation no family handles answers 501 NOT_IMPLEMENTED', async () => {
    const runtime = h.runtime;
    const { buildApp } = await import('../src/app.js');
    const bare = buildApp({ ...runtime, families: [] });
    const { loadPrivateKey, signRequest } = await import('@wxpay-kit/sdk/protocol');
    const m = h.credentials.merchants.ordinary;
    const url = '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/A1';
    const signed = await signRequest({
      method: 'GET',
      url,
      body: '',
      mchid: m.mchid,
      serialNo: m.serialNo,
      privateKey: loadPrivateKey(m.privateKeyPem),
      timestamp: Math.floor(runtime.clock.now() / 1000),
    });
    const res = await bare.inject({ method: 'GET', url, headers: { authorization: signed.authorization } });
    expect(res.statusCode).toBe(501);
    expect(res.json().code).toBe('NOT_IMPLEMENTED');
    await bare.close();
  });

  it('a body whose Content-Type cannot be parsed is an unsigned 400 INVALID_REQUEST (nothing was verified), not a 415', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v3/platsolution/ecommerce/recharges/apply',
      payload: '{}',
      headers: { 'content-type': '' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_REQUEST');
    expect(res.headers['wechatpay-signature']).toBeUndefined();
    expect(res.headers['request-id']).toMatch(/^[0-9A-F]{44}-0$/);
  });

  it('a body larger than the limit is refused with a JSON error, not a crash', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v3/platsolution/ecommerce/recharges/apply',
      payload: 'x'.repeat(1024 * 1024 + 10),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PARAM_ERROR');
    expect(res.headers['request-id']).toMatch(/^[0-9A-F]{44}-0$/);
    expect(res.headers['wechatpay-signature']).toBeUndefined();
  });
});
