import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/framework-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ rateLimits: false });
});
afterAll(() => h.close());

const rechargeGet = (sub: string) =>
  `/v3/platsolution/ecommerce/recharges/out-recharge-no/CZ1?sub_mchid=${sub}`;

describe('roles (NO_AUTH)', () => {
  it('recharges.get: an ordinary merchant may not call a platform operation', async () => {
    const res = await h.call('ordinary', { method: 'GET', url: rechargeGet('1900000109') });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NO_AUTH');
    expect(res.json().message).toContain('recharges.get');
    // The caller's identity comes from the Authorization header: that is where the problem lies.
    expect(res.json().detail).toMatchObject({ location: 'authorization' });
    expect(res.headers['wechatpay-signature']).toBeDefined();
  });

  it("recharges.close: a service provider is told in the page's own words (服务商未开通平台收付通)", async () => {
    const url = `/v3/platsolution/ecommerce/recharges/out-recharge-no/CZ1/close?sub_mchid=1900000109`;
    const res = await h.call('serviceProvider', { method: 'POST', url });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NO_AUTH');
    expect(res.json().message).toMatch(/^服务商未开通平台收付通：/);
  });

  it('authorizations.get: a service provider may not call an ordinary-merchant operation', async () => {
    const url = '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/A1';
    const res = await h.call('serviceProvider', { method: 'GET', url });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NO_AUTH');
  });

  it('recharges.get: a sub_mchid in the query bound to another parent is refused', async () => {
    const foreign = h.credentials.merchants.serviceProvider.subMerchants[0]!.mchid;
    const res = await h.call('platform', { method: 'GET', url: rechargeGet(foreign) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'NO_AUTH',
      detail: { field: 'sub_mchid', value: foreign, location: 'query' },
    });
  });

  it('cancelWithdraws.validate: a sub_mchid in the path must be bound too', async () => {
    const own = h.credentials.merchants.platform.subMerchants[1]!.mchid;
    const ok = await h.call('platform', {
      method: 'GET',
      url: `/v3/ecommerce/account/apply-cancel-withdraw/validate-cancel/${own}`,
    });
    expect(ok.statusCode).toBe(200);
    const res = await h.call('platform', {
      method: 'GET',
      url: '/v3/ecommerce/account/apply-cancel-withdraw/validate-cancel/1900009999',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'NO_AUTH',
      detail: { field: 'sub_mchid', value: '1900009999', location: 'url' },
    });
  });

  it('cancelWithdraws.confirm: an unbound body sub_mchid answers NO_AUTH with the documented status 400', async () => {
    const body = JSON.stringify({
      out_request_no: 'P1',
      sub_mchid: '1900009999',
      operator_identification: 'id1102',
      confirm_time: '2015-05-20T13:29:35+08:00',
      cancel_contract_version: 'V20241213',
    });
    const res = await h.call('platform', {
      method: 'POST',
      url: '/v3/ecommerce/account/apply-cancel-withdraw/confirm',
      body,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'NO_AUTH',
      detail: { field: '/sub_mchid', value: '1900009999', location: 'body' },
    });
  });
});
