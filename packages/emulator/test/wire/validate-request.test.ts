import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/framework-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ rateLimits: false });
});
afterAll(() => h.close());

const APPLY = '/v3/platsolution/ecommerce/recharges/apply';
const AUTH_CLOSE =
  '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/plfk2020042013/close';
const sub = () => h.credentials.merchants.platform.subMerchants[0]!.mchid;
const rechargeBody = (overrides: Record<string, unknown> = {}) => ({
  sub_mchid: sub(),
  out_recharge_no: 'CZ2020042013',
  recharge_scene: 'ECOMMERCE_DEPOSIT',
  account_type: 'DEPOSIT',
  recharge_amount: { amount: 100, currency: 'CNY' },
  ...overrides,
});

function expectParamError(res: Awaited<ReturnType<Harness['call']>>, detail: Record<string, unknown>) {
  expect(res.statusCode).toBe(400);
  const body = res.json();
  expect(body.code).toBe('PARAM_ERROR');
  expect(body.detail).toMatchObject(detail);
  expect(typeof body.message).toBe('string');
  // Validation errors come from authenticated requests: they are signed.
  expect(res.headers['wechatpay-signature']).toBeDefined();
  return body;
}

describe('validate-request (400 PARAM_ERROR)', () => {
  it('recharges.apply: a wrong nested body field is named by its JSON pointer', async () => {
    const body = rechargeBody({ recharge_amount: { amount: 100, currency: 'C'.repeat(17) } });
    const res = await h.call('platform', { method: 'POST', url: APPLY, body: JSON.stringify(body) });
    const error = expectParamError(res, {
      field: '/recharge_amount/currency',
      value: 'C'.repeat(17),
      location: 'body',
    });
    expect(error.detail.issue).toContain('16');
    expect(error.message).toContain('/body/recharge_amount/currency');
  });

  it('recharges.apply: a missing required field points at the field itself', async () => {
    const { out_recharge_no: _omit, ...body } = rechargeBody();
    const res = await h.call('platform', { method: 'POST', url: APPLY, body: JSON.stringify(body) });
    const error = expectParamError(res, { field: '/out_recharge_no', location: 'body' });
    expect(error.detail.issue).toContain('required');
    expect(error.detail).not.toHaveProperty('value');
  });

  it('recharges.apply: an unknown body field is refused by name', async () => {
    const res = await h.call('platform', {
      method: 'POST',
      url: APPLY,
      body: JSON.stringify(rechargeBody({ colour: 'red' })),
    });
    expectParamError(res, { field: '/colour', location: 'body' });
  });

  it('recharges.apply: the catalogue cross-field rule (scene ↔ account type) applies', async () => {
    const res = await h.call('platform', {
      method: 'POST',
      url: APPLY,
      body: JSON.stringify(rechargeBody({ account_type: 'OPERATION' })),
    });
    expectParamError(res, { field: '/account_type', value: 'OPERATION', location: 'body' });
  });

  it('authorizations.get: a bad path parameter is named plainly, location url', async () => {
    const tooLong = `bad-no%21${'x'.repeat(30)}`;
    const url = `/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/${tooLong}`;
    const res = await h.call('ordinary', { method: 'GET', url });
    expectParamError(res, {
      field: 'out_authorization_no',
      value: `bad-no!${'x'.repeat(30)}`,
      location: 'url',
    });
  });

  it('recharges.get: a missing query parameter is named plainly, location query', async () => {
    const res = await h.call('platform', {
      method: 'GET',
      url: '/v3/platsolution/ecommerce/recharges/out-recharge-no/CZ1',
    });
    const error = expectParamError(res, { field: 'sub_mchid', location: 'query' });
    expect(error.message).toContain('/query/sub_mchid');
  });

  it('recharges.get: undeclared query parameters are ignored', async () => {
    const res = await h.call('platform', {
      method: 'GET',
      url: `/v3/platsolution/ecommerce/recharges/out-recharge-no/CZ1?sub_mchid=${sub()}&is_display=true`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().query).toEqual({ sub_mchid: sub() });
  });

  it('recharges.apply: malformed JSON is refused with the parser message', async () => {
    const res = await h.call('platform', { method: 'POST', url: APPLY, body: '{"sub_mchid": ' });
    const error = expectParamError(res, { location: 'body' });
    expect(error.message).toContain('JSON');
    expect(error.detail.issue.length).toBeGreaterThan(0);
  });

  it('recharges.apply: an empty body is refused for an operation that needs one', async () => {
    const res = await h.call('platform', { method: 'POST', url: APPLY, body: '' });
    expectParamError(res, { location: 'body' });
  });

  it('authorizations.close takes no body: an empty body and {} are accepted, anything else is refused', async () => {
    expect((await h.call('ordinary', { method: 'POST', url: AUTH_CLOSE })).statusCode).toBe(200);
    expect((await h.call('ordinary', { method: 'POST', url: AUTH_CLOSE, body: '' })).statusCode).toBe(200);
    const withBraces = await h.call('ordinary', { method: 'POST', url: AUTH_CLOSE, body: '{}' });
    expect(withBraces.statusCode).toBe(200);
    expect(withBraces.json().body).toBeNull();
    const refused = await h.call('ordinary', { method: 'POST', url: AUTH_CLOSE, body: '{"reason":"x"}' });
    const error = expectParamError(refused, { location: 'body' });
    expect(error.detail.issue).toContain('takes no body');
  });

  it('cancelWithdraws.confirm: neither applyment_id nor out_request_no → PARAM_ERROR (catalogue cross-field rule)', async () => {
    const body = {
      sub_mchid: sub(),
      operator_identification: 'id1102',
      confirm_time: '2015-05-20T13:29:35+08:00',
      cancel_contract_version: 'V20241213',
    };
    const url = '/v3/ecommerce/account/apply-cancel-withdraw/confirm';
    const res = await h.call('platform', { method: 'POST', url, body: JSON.stringify(body) });
    const error = expectParamError(res, { field: '/applyment_id', location: 'body' });
    expect(error.detail.issue).toContain('applyment_id or out_request_no');
    const ok = await h.call('platform', {
      method: 'POST',
      url,
      body: JSON.stringify({ ...body, out_request_no: 'P1' }),
    });
    expect(ok.statusCode).toBe(200);
  });

  describe('transferBills.create: the report infos the scene requires (catalogue cross-field rule)', () => {
    const url = '/v3/fund-app/mch-transfer/partner/transfer-bills';
    const bill = (infos: { info_type: string; info_content: string }[], scene = '1000') => ({
      sub_mchid: h.credentials.merchants.serviceProvider.subMerchants[0]!.mchid,
      appid: h.credentials.merchants.serviceProvider.appid,
      out_bill_no: 'plfk2020042013',
      transfer_scene_id: scene,
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      transfer_amount: 400,
      transfer_remark: '新会员开通有礼',
      transfer_scene_report_infos: infos,
    });
    const create = (body: unknown) =>
      h.call('serviceProvider', {
        method: 'POST',
        url,
        body: JSON.stringify(body),
        headers: { 'wechatpay-serial': h.credentials.platform.publicKeyId },
      });
    const activity = { info_type: '活动名称', info_content: '新会员有礼' };
    const reward = { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' };

    it('a missing type → PARAM_ERROR naming it', async () => {
      const error = expectParamError(await create(bill([activity])), {
        field: '/transfer_scene_report_infos',
        location: 'body',
      });
      expect(error.message).toContain('奖励说明');
    });

    it('a type given twice → PARAM_ERROR on the repeated item', async () => {
      expectParamError(await create(bill([activity, reward, { ...activity, info_content: '再一次' }])), {
        field: '/transfer_scene_report_infos/2/info_type',
        value: '活动名称',
        location: 'body',
      });
    });

    it('the rule of the scene given: 1005 needs 岗位类型 and 报酬说明', async () => {
      expectParamError(await create(bill([activity, reward], '1005')), { location: 'body' });
      const infos = [
        { info_type: '岗位类型', info_content: '外卖员' },
        { info_type: '报酬说明', info_content: '7月份配送费' },
      ];
      const accepted = await create(bill(infos, '1005'));
      expect(accepted.statusCode, accepted.payload).toBe(200);
    });
  });

  describe('the catalogue rules beyond the JSON schema', () => {
    const serial = () => ({ 'wechatpay-serial': h.credentials.platform.publicKeyId });

    it('transferBills.create: from 200000 fen user_name is required → PARAM_ERROR on /user_name', async () => {
      const body = {
        sub_mchid: h.credentials.merchants.serviceProvider.subMerchants[0]!.mchid,
        appid: h.credentials.merchants.serviceProvider.appid,
        out_bill_no: 'plfk2020042099',
        transfer_scene_id: '1000',
        openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
        transfer_amount: 200_000,
        transfer_remark: '新会员开通有礼',
        transfer_scene_report_infos: [
          { info_type: '活动名称', info_content: '新会员有礼' },
          { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
        ],
      };
      const url = '/v3/fund-app/mch-transfer/partner/transfer-bills';
      const send = (b: unknown) =>
        h.call('serviceProvider', { method: 'POST', url, body: JSON.stringify(b), headers: serial() });
      const error = expectParamError(await send(body), { field: '/user_name', location: 'body' });
      expect(error.detail).not.toHaveProperty('value');
      expect(error.message).toContain('/body/user_name');
      expect(error.message).toContain('200000 fen');
      const below = await send({ ...body, transfer_amount: 199_999 });
      expect(below.statusCode, below.payload).toBe(200);
    });

    it('recharges.apply: more than 8亿元 → PARAM_ERROR on /recharge_amount/amount', async () => {
      const over = rechargeBody({ recharge_amount: { amount: 80_000_000_001, currency: 'CNY' } });
      const res = await h.call('platform', { method: 'POST', url: APPLY, body: JSON.stringify(over) });
      const error = expectParamError(res, {
        field: '/recharge_amount/amount',
        value: 80_000_000_001,
        location: 'body',
      });
      expect(error.detail.issue).toContain('80000000000');
      const most = rechargeBody({ recharge_amount: { amount: 80_000_000_000, currency: 'CNY' } });
      const accepted = await h.call('platform', { method: 'POST', url: APPLY, body: JSON.stringify(most) });
      expect(accepted.statusCode, accepted.payload).toBe(200);
    });

    describe('cancelWithdraws.apply', () => {
      const url = '/v3/ecommerce/account/apply-cancel-withdraw';
      const send = (fields: Record<string, unknown>) =>
        h.call('platform', {
          method: 'POST',
          url,
          body: JSON.stringify({ sub_mchid: sub(), out_request_no: 'CW2020042013', ...fields }),
          headers: serial(),
        });
      // Bank names and numbers are not encrypted here: the rules answer before decryption is attempted.
      const corporate = {
        account_type: 'ACCOUNT_TYPE_CORPORATE',
        bank_account_info: { account_name: 'x', account_bank: '招商银行', account_number: 'y' },
      };

      it('APPLY_WITHDRAW without payee_info → PARAM_ERROR on /payee_info', async () => {
        const error = expectParamError(await send({ withdraw: 'APPLY_WITHDRAW' }), {
          field: '/payee_info',
          location: 'body',
        });
        expect(error.detail.issue).toContain('APPLY_WITHDRAW');
        expect(error.message).toContain('/body/payee_info');
        const cancelOnly = await send({ withdraw: 'NOT_APPLY_WITHDRAW' });
        expect(cancelOnly.statusCode, cancelOnly.payload).toBe(200);
      });

      it('a personal account without identity_info → PARAM_ERROR on /payee_info/identity_info', async () => {
        const personal = { ...corporate, account_type: 'ACCOUNT_TYPE_PERSONAL' };
        const error = expectParamError(await send({ withdraw: 'APPLY_WITHDRAW', payee_info: personal }), {
          field: '/payee_info/identity_info',
          location: 'body',
        });
        expect(error.detail.issue).toContain('ACCOUNT_TYPE_PERSONAL');
        // With the rules met, the request gets past validation (to decryption, which refuses the plaintext).
        const corporateAnswer = await send({ withdraw: 'APPLY_WITHDRAW', payee_info: corporate });
        expect(corporateAnswer.json().detail.field).toBe('/payee_info/bank_account_info/account_name');
      });
    });
  });
});
