import type { OperationInput } from '@wxpay-kit/sdk';
import { loadPrivateKey, rsaOaepDecrypt } from '@wxpay-kit/sdk/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import {
  apiErrorOf,
  controlOk,
  DAY,
  eventsFor,
  mark,
  responseErrors,
  START,
  uniqueNo,
} from './support-a/e2e-kit.js';
import { recordingClient } from './support-a/recording-client.js';

// The ordinary merchant's face of 商家转账 (T1–T4), A4 (a transfer whose confirm page offers an authorization),
// and the documented rules every transfer meets (quotas, scenes, red packets), all through the SDK.

const STEP = 5;

let h: E2eHarness;
let mchid: string;
let appid: string;

beforeAll(async () => {
  h = await startE2e({ clock: { mode: 'manual', start: START }, asyncStepMs: STEP * 1000 });
  mchid = h.emulator.merchants.ordinary.mchid;
  appid = h.emulator.merchants.ordinary.appid;
});

afterAll(async () => {
  await h?.close();
});

beforeEach(async () => {
  await controlOk(h, 'POST', '/reset');
});

const wxpay = () => h.sdk.ordinary;

function createBody(overrides: Partial<OperationInput<'transferBills.create'>> = {}) {
  return {
    appid,
    out_bill_no: uniqueNo('mbill'),
    transfer_scene_id: '1000',
    openid: `o-${uniqueNo('user')}`,
    transfer_amount: 500,
    transfer_remark: '新会员开通有礼',
    notify_url: h.receiver.url('ordinary'),
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新会员有礼' },
      { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
    ],
    ...overrides,
  } satisfies OperationInput<'transferBills.create'>;
}

const get = (out_bill_no: string) => wxpay().transferBills.get({ out_bill_no });
const act = (no: string, verb: string, body?: unknown) =>
  h.control('POST', `/transfer-bills/${mchid}/${no}/${verb}`, body);
const setRules = (body: Record<string, unknown>, payer = mchid) =>
  controlOk(h, 'POST', `/transfer-bills/rules/${payer}`, body);

describe('transferBills (ordinary merchant): create, get, getByTransferBillNo, cancel', () => {
  it('transferBills.create → ACCEPTED without package_info; once WAIT_USER_CONFIRM the same request answers it; the user confirms → SUCCESS with MCHTRANSFER.BILL.FINISHED naming mch_id', async () => {
    const since = mark(h);
    const { wxpay: recorded, exchanges } = recordingClient(h, 'ordinary');
    const body = createBody({ user_name: '张三', user_recv_style: { type: 'CONFIRM_PAGE' } });
    const created = await recorded.transferBills.create(body);
    expect(responseErrors('transferBills.create', created)).toEqual([]);
    expect(created).toEqual({
      out_bill_no: body.out_bill_no,
      transfer_bill_no: expect.stringMatching(/^1330\d{36}$/),
      create_time: expect.any(String),
      state: 'ACCEPTED',
    });
    // The name went out encrypted, with Wechatpay-Serial (optional on this page, needed with user_name).
    expect(JSON.parse(exchanges[0]?.requestBody ?? '{}').user_name).not.toBe('张三');

    await h.advance(2 * STEP);
    const again = await wxpay().transferBills.create(body);
    expect(again).toEqual({ ...created, state: 'WAIT_USER_CONFIRM', package_info: expect.any(String) });

    const bill = await get(body.out_bill_no);
    expect(responseErrors('transferBills.get', bill)).toEqual([]);
    expect(bill).toEqual({
      mch_id: mchid,
      out_bill_no: body.out_bill_no,
      transfer_bill_no: created.transfer_bill_no,
      appid,
      state: 'WAIT_USER_CONFIRM',
      transfer_amount: 500,
      transfer_remark: '新会员开通有礼',
      openid: body.openid,
      user_name: '张三',
      create_time: created.create_time,
      update_time: expect.any(String),
    });
    const same = await wxpay().transferBills.getByTransferBillNo({
      transfer_bill_no: created.transfer_bill_no,
    });
    expect(same).toEqual(bill);

    expect((await act(body.out_bill_no, 'confirm')).status).toBe(200);
    await h.advance(STEP);
    expect((await get(body.out_bill_no)).state).toBe('SUCCESS');
    const events = await eventsFor(h, since, body.out_bill_no);
    expect(events.map((e) => e.event_type)).toEqual(['MCHTRANSFER.BILL.FINISHED']);
    // payment_method_type: 转账成功后返回，微信零钱为 CFT [DOC 4012712115].
    expect(events[0]?.resource).toMatchObject({
      mch_id: mchid,
      state: 'SUCCESS',
      payment_method_type: 'CFT',
    });
    expect(events[0]?.resource).not.toHaveProperty('sub_mchid');
    expect(events[0]?.resource).not.toHaveProperty('mchid');
    // The merchant pays from its own balance.
    expect(await controlOk(h, 'GET', `/transfer-bills/balances/${mchid}`)).toMatchObject({
      available: 100_000_000 - 500,
      locked: 0,
    });
    // user_name in the answer is encrypted for the merchant's certificate key.
    const replied = JSON.parse(exchanges[1]?.responseBody ?? '{}');
    const key = loadPrivateKey(h.emulator.merchants.ordinary.privateKeyPem);
    expect(replied).toBeDefined();
    const wire = await recorded.transferBills.get({ out_bill_no: body.out_bill_no });
    expect(wire.user_name).toBe('张三');
    expect(rsaOaepDecrypt(JSON.parse(exchanges.at(-1)?.responseBody ?? '{}').user_name, key)).toBe('张三');
  });

  it('transferBills.cancel (no body) → the four documented fields in CANCELING, then CANCELLED with FINISHED', async () => {
    const since = mark(h);
    const body = createBody();
    await wxpay().transferBills.create(body);
    await h.advance(2 * STEP);
    const cancelled = await wxpay().transferBills.cancel({ out_bill_no: body.out_bill_no });
    expect(responseErrors('transferBills.cancel', cancelled)).toEqual([]);
    expect(Object.keys(cancelled).sort()).toEqual([
      'out_bill_no',
      'state',
      'transfer_bill_no',
      'update_time',
    ]);
    expect(cancelled.state).toBe('CANCELING');
    await h.advance(STEP);
    expect(await get(body.out_bill_no)).toMatchObject({ state: 'CANCELLED', fail_reason: 'MCH_CANCEL' });
    const finished = await eventsFor(h, since, body.out_bill_no);
    expect(finished.map((e) => e.resource['state'])).toEqual(['CANCELLED']);
    expect(finished[0]?.resource).not.toHaveProperty('payment_method_type');
  });

  it('unknown numbers → 404 NOT_FOUND 记录不存在; the partner’s bills do not exist for the merchant', async () => {
    const missing = await apiErrorOf(get('nosuchbill'));
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(missing.message).toContain('记录不存在');
    expect(
      (await apiErrorOf(wxpay().transferBills.getByTransferBillNo({ transfer_bill_no: '1330000' }))).code,
    ).toBe('NOT_FOUND');
    expect((await apiErrorOf(wxpay().transferBills.cancel({ out_bill_no: 'nosuchbill' }))).code).toBe(
      'NOT_FOUND',
    );
    const sp = h.emulator.merchants.serviceProvider;
    const partnerBill = uniqueNo('pbill');
    await h.sdk.serviceProvider.transferBills.partnerCreate({
      ...createBody({ out_bill_no: partnerBill }),
      sub_mchid: sp.subMchids[0]!,
      appid: sp.appid,
    });
    expect((await apiErrorOf(get(partnerBill))).code).toBe('NOT_FOUND');
  });

  it('the queries answer for 30 days: a bill created 30 days + 1 s ago → 404 (API只支持查询最近30天内的转账单)', async () => {
    const body = createBody();
    const created = await wxpay().transferBills.create(body);
    await h.advance(30 * DAY);
    expect((await get(body.out_bill_no)).state).toBe('FAIL');
    await h.advance(1);
    const late = await apiErrorOf(get(body.out_bill_no));
    expect(late).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(late.message).toContain('API只支持查询最近30天内的转账单');
    expect(
      (
        await apiErrorOf(
          wxpay().transferBills.getByTransferBillNo({ transfer_bill_no: created.transfer_bill_no }),
        )
      ).status,
    ).toBe(404);
  });

  it('the same out_bill_no with another body → 400 INVALID_REQUEST 单号已存在但信息不一致', async () => {
    const body = createBody();
    await wxpay().transferBills.create(body);
    const error = await apiErrorOf(wxpay().transferBills.create({ ...body, transfer_amount: 600 }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('单号已存在但信息不一致，请查单后比较确认');
  });
});

describe('transferBills.preTransferWithAuthorization (A4)', () => {
  function a4Body(overrides: Partial<OperationInput<'transferBills.preTransferWithAuthorization'>> = {}) {
    const no = uniqueNo('a4auth');
    return {
      ...createBody(),
      transfer_scene_id: '1005',
      transfer_scene_report_infos: [
        { info_type: '岗位类型', info_content: '外卖员' },
        { info_type: '报酬说明', info_content: '7月份配送费' },
      ],
      authorization_info: {
        user_display_name: '王*',
        out_authorization_no: no,
        authorization_notify_url: h.receiver.url('ordinary'),
      },
      ...overrides,
    } satisfies OperationInput<'transferBills.preTransferWithAuthorization'>;
  }

  it('the user confirms and authorizes → TRANSFERING → SUCCESS; the authorization takes effect (CONFIRMED notified) and then carries transferBills.transfer', async () => {
    const since = mark(h);
    const body = a4Body();
    const authNo = body.authorization_info.out_authorization_no;
    const created = await wxpay().transferBills.preTransferWithAuthorization(body);
    expect(responseErrors('transferBills.preTransferWithAuthorization', created)).toEqual([]);
    expect(created).toMatchObject({
      state: 'ACCEPTED',
      user_display_name: '王*',
      out_authorization_no: authNo,
    });
    // Before the user agreed, the authorization does not exist (A2 page).
    expect((await apiErrorOf(wxpay().authorizations.get({ out_authorization_no: authNo }))).code).toBe(
      'NOT_FOUND',
    );
    await h.advance(2 * STEP);
    expect((await wxpay().transferBills.preTransferWithAuthorization(body)).package_info).toEqual(
      expect.any(String),
    );
    const confirmed = await act(body.out_bill_no, 'confirm-and-authorize');
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.state).toBe('TRANSFERING');
    const auth = await wxpay().authorizations.get({ out_authorization_no: authNo });
    expect(auth).toMatchObject({
      state: 'TAKING_EFFECT',
      appid,
      openid: body.openid,
      user_display_name: '王*',
      transfer_scene_id: '1005',
      authorization_id: expect.stringMatching(/^2012\d{23}$/),
    });
    await h.advance(STEP);
    expect((await get(body.out_bill_no)).state).toBe('SUCCESS');
    const events = await eventsFor(h, since, authNo);
    expect(events.map((e) => e.event_type)).toEqual(['MCHTRANSFER.AUTHORIZATION.CONFIRMED']);
    expect(events[0]?.resource).toMatchObject({
      state: 'TAKING_EFFECT',
      authorization_id: auth.authorization_id,
    });
    expect((await eventsFor(h, since, body.out_bill_no)).map((e) => e.resource['state'])).toEqual([
      'SUCCESS',
    ]);

    const next = await wxpay().transferBills.transfer({
      appid,
      out_bill_no: uniqueNo('after'),
      transfer_scene_id: '1005',
      transfer_amount: 300,
      transfer_remark: '8月份配送费',
      authorization_id: auth.authorization_id!,
    });
    expect(next).toMatchObject({ state: 'ACCEPTED', openid: body.openid });
  });

  it('the user confirms only → SUCCESS, and no authorization exists', async () => {
    const body = a4Body();
    await wxpay().transferBills.preTransferWithAuthorization(body);
    await h.advance(2 * STEP);
    expect((await act(body.out_bill_no, 'confirm')).status).toBe(200);
    await h.advance(STEP);
    expect((await get(body.out_bill_no)).state).toBe('SUCCESS');
    const auth = body.authorization_info.out_authorization_no;
    expect((await apiErrorOf(wxpay().authorizations.get({ out_authorization_no: auth }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('the user does neither before the 24 h deadline → FAIL OVERDUE_CLOSE, no authorization; authorizing later is refused', async () => {
    const since = mark(h);
    const body = a4Body();
    await wxpay().transferBills.preTransferWithAuthorization(body);
    await h.advance(2 * STEP + DAY);
    expect(await get(body.out_bill_no)).toMatchObject({ state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' });
    const late = await act(body.out_bill_no, 'confirm-and-authorize');
    expect(late.status).toBe(400);
    const auth = body.authorization_info.out_authorization_no;
    expect((await apiErrorOf(wxpay().authorizations.get({ out_authorization_no: auth }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await eventsFor(h, since, body.out_bill_no)).map((e) => e.resource['fail_reason'])).toEqual([
      'OVERDUE_CLOSE',
    ]);
  });

  it('without authorization_info it is a plain user-confirm bill: confirm-and-authorize is refused', async () => {
    const { authorization_info: _none, ...body } = a4Body();
    await wxpay().transferBills.preTransferWithAuthorization(body);
    await h.advance(2 * STEP);
    const refused = await act(body.out_bill_no, 'confirm-and-authorize');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('the bill offers no authorization');
  });

  it('authorization_info without openid (选填 on both A4 pages): the user who confirms receives the transfer and holds the authorization', async () => {
    const since = mark(h);
    const { openid: _none, ...body } = a4Body();
    const authNo = body.authorization_info.out_authorization_no;
    const created = await wxpay().transferBills.preTransferWithAuthorization(body);
    expect(created.state).toBe('ACCEPTED');
    await h.advance(2 * STEP);
    expect(await get(body.out_bill_no)).not.toHaveProperty('openid');
    const nobody = await act(body.out_bill_no, 'confirm-and-authorize');
    expect(nobody.status).toBe(400);
    expect(nobody.body).toMatchObject({ code: 'PARAM_ERROR', detail: { field: '/openid' } });
    const confirmed = await act(body.out_bill_no, 'confirm-and-authorize', { openid: 'o-confirming-user' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ state: 'TRANSFERING', openid: 'o-confirming-user' });
    const auth = await wxpay().authorizations.get({ out_authorization_no: authNo });
    expect(auth).toMatchObject({ state: 'TAKING_EFFECT', openid: 'o-confirming-user' });
    await h.advance(STEP);
    expect(await get(body.out_bill_no)).toMatchObject({ state: 'SUCCESS', openid: 'o-confirming-user' });
    const finished = await eventsFor(h, since, body.out_bill_no);
    expect(finished.map((e) => e.resource['openid'])).toEqual(['o-confirming-user']);

    // The partner twin accepts the same; a bill that names its user cannot be confirmed by another.
    const sp = h.emulator.merchants.serviceProvider;
    const partner = a4Body();
    const { openid: _partnerNone, ...partnerBody } = partner;
    const partnerCreated = await h.sdk.serviceProvider.transferBills.partnerPreTransferWithAuthorization({
      ...partnerBody,
      sub_mchid: sp.subMchids[0]!,
      appid: sp.appid,
    });
    expect(partnerCreated.state).toBe('ACCEPTED');
    const named = a4Body();
    await wxpay().transferBills.preTransferWithAuthorization(named);
    await h.advance(2 * STEP);
    const stranger = await act(named.out_bill_no, 'confirm', { openid: 'o-someone-else' });
    expect(stranger.status).toBe(400);
    expect(stranger.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(stranger.body.message).toContain('确认收款用户与转账单收款用户不一致');
  });

  it('authorization_info without openid: the per-user daily quota is met when the user confirms; past it the bill FAILs DAY_RECEIVED_QUOTA_EXCEED (FINISHED notified, no authorization), within it the bill then counts for that user', async () => {
    await setRules({ per_user_per_day: 1_000 });
    const since = mark(h);
    const openid = `o-${uniqueNo('quota')}`;
    await wxpay().transferBills.create(createBody({ openid, transfer_amount: 600 }));
    const { openid: _none, ...over } = a4Body({ transfer_amount: 500 });
    await wxpay().transferBills.preTransferWithAuthorization(over);
    await h.advance(2 * STEP);
    const failed = await act(over.out_bill_no, 'confirm-and-authorize', { openid });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body).toMatchObject({ state: 'FAIL', fail_reason: 'DAY_RECEIVED_QUOTA_EXCEED', openid });
    expect(await get(over.out_bill_no)).toMatchObject({
      state: 'FAIL',
      fail_reason: 'DAY_RECEIVED_QUOTA_EXCEED',
      openid,
    });
    const offered = over.authorization_info.out_authorization_no;
    expect((await apiErrorOf(wxpay().authorizations.get({ out_authorization_no: offered }))).code).toBe(
      'NOT_FOUND',
    );
    const finished = await eventsFor(h, since, over.out_bill_no);
    expect(finished.map((e) => [e.resource['state'], e.resource['fail_reason']])).toEqual([
      ['FAIL', 'DAY_RECEIVED_QUOTA_EXCEED'],
    ]);

    // Within the quota the bill pays, and from then on it uses its user's quota like a bill that named them.
    const fresh = `o-${uniqueNo('quota')}`;
    const { openid: _none2, ...within } = a4Body({ transfer_amount: 800 });
    await wxpay().transferBills.preTransferWithAuthorization(within);
    await h.advance(2 * STEP);
    const paid = await act(within.out_bill_no, 'confirm', { openid: fresh });
    expect(paid.body).toMatchObject({ state: 'TRANSFERING', openid: fresh });
    const next = await apiErrorOf(
      wxpay().transferBills.create(createBody({ openid: fresh, transfer_amount: 300 })),
    );
    expect(next).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(next.message).toContain('超过单日向单用户转账额度');
  });

  it('confirm-and-authorize by a user with 5 open authorizations in the scene → 400 INVALID_REQUEST 用户在当前场景下的授权数量达到限制 (as authorizations.apply); the bill still waits and the user may confirm only', async () => {
    const openid = `o-${uniqueNo('busy')}`;
    for (let i = 0; i < 5; i++) {
      await wxpay().authorizations.apply({
        out_authorization_no: uniqueNo('auth'),
        appid,
        openid,
        transfer_scene_id: '1005',
        user_display_name: '王*',
        authorization_notify_url: h.receiver.url('ordinary'),
      });
    }
    const { openid: _none, ...body } = a4Body();
    const named = a4Body({ openid });
    await wxpay().transferBills.preTransferWithAuthorization(body);
    await wxpay().transferBills.preTransferWithAuthorization(named);
    await h.advance(2 * STEP);
    for (const [no, confirming] of [
      [body.out_bill_no, { openid }],
      [named.out_bill_no, undefined],
    ] as const) {
      const refused = await act(no, 'confirm-and-authorize', confirming);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'INVALID_REQUEST' });
      expect(refused.body.message).toContain('用户在当前场景下的授权数量达到限制，不支持发起授权');
      expect((await get(no)).state).toBe('WAIT_USER_CONFIRM');
    }
    expect(await get(body.out_bill_no)).not.toHaveProperty('openid');
    const offered = body.authorization_info.out_authorization_no;
    expect((await apiErrorOf(wxpay().authorizations.get({ out_authorization_no: offered }))).code).toBe(
      'NOT_FOUND',
    );
    const confirmed = await act(body.out_bill_no, 'confirm', { openid });
    expect(confirmed.body).toMatchObject({ state: 'TRANSFERING', openid });
  });

  it('partner twin without openid: the sub-merchant’s per-user quota and the service provider’s limit of 5 apply at the confirmation', async () => {
    const sp = h.emulator.merchants.serviceProvider;
    const [sub] = sp.subMchids as [string];
    const partner = h.sdk.serviceProvider;
    const partnerA4 = (transfer_amount: number) => {
      const { openid: _none, ...body } = a4Body({ transfer_amount });
      return { ...body, sub_mchid: sub, appid: sp.appid };
    };
    const actAsSp = (no: string, verb: string, openid: string) =>
      h.control('POST', `/transfer-bills/${sp.mchid}/${no}/${verb}`, { openid });
    await setRules({ per_user_per_day: 1_000 }, sub);
    const openid = `o-${uniqueNo('partner')}`;
    await partner.transferBills.partnerCreate({
      ...createBody({ openid, transfer_amount: 600 }),
      sub_mchid: sub,
      appid: sp.appid,
    });
    const over = partnerA4(500);
    await partner.transferBills.partnerPreTransferWithAuthorization(over);
    // The limit of 5 counts the service provider's authorizations (the partner A4's authorization is its own).
    const busy = `o-${uniqueNo('busy')}`;
    for (let i = 0; i < 5; i++) {
      await partner.authorizations.partnerApply({
        out_authorization_no: uniqueNo('auth'),
        appid: sp.appid,
        openid: busy,
        transfer_scene_id: '1005',
        user_display_name: '王*',
        notify_url: h.receiver.url('serviceProvider'),
      });
    }
    const limited = partnerA4(100);
    await partner.transferBills.partnerPreTransferWithAuthorization(limited);
    await h.advance(2 * STEP);
    const failed = await actAsSp(over.out_bill_no, 'confirm-and-authorize', openid);
    expect(failed.body).toMatchObject({ state: 'FAIL', fail_reason: 'DAY_RECEIVED_QUOTA_EXCEED' });
    const refused = await actAsSp(limited.out_bill_no, 'confirm-and-authorize', busy);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('用户在当前场景下的授权数量达到限制');
    const query = { out_bill_no: limited.out_bill_no, sub_mchid: sub };
    expect((await partner.transferBills.partnerGet(query)).state).toBe('WAIT_USER_CONFIRM');
  });

  it('an authorization number already in use → 400 INVALID_REQUEST', async () => {
    const first = a4Body();
    await wxpay().transferBills.preTransferWithAuthorization(first);
    await h.advance(2 * STEP);
    await act(first.out_bill_no, 'confirm-and-authorize');
    const second = a4Body({ authorization_info: first.authorization_info });
    const error = await apiErrorOf(wxpay().transferBills.preTransferWithAuthorization(second));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('商户侧授权单号已存在');
  });

  it('transferBills.partnerPreTransferWithAuthorization: the authorization belongs to the service provider', async () => {
    const sp = h.emulator.merchants.serviceProvider;
    const body = a4Body();
    await h.sdk.serviceProvider.transferBills.partnerPreTransferWithAuthorization({
      ...body,
      sub_mchid: sp.subMchids[0]!,
      appid: sp.appid,
      authorization_info: {
        ...body.authorization_info,
        authorization_notify_url: h.receiver.url('serviceProvider'),
      },
    });
    await h.advance(2 * STEP);
    const ok = await h.control(
      'POST',
      `/transfer-bills/${sp.mchid}/${body.out_bill_no}/confirm-and-authorize`,
    );
    expect(ok.status).toBe(200);
    const auth = await h.sdk.serviceProvider.authorizations.partnerGet({
      out_authorization_no: body.authorization_info.out_authorization_no,
    });
    expect(auth).toMatchObject({ state: 'TAKING_EFFECT', appid: sp.appid });
  });
});

describe('transfer rules: quotas, scenes, red packets (documented; limits settable per paying merchant)', () => {
  it('the per-transfer quota: 200 CNY by default, 0.1 CNY at least → 400 INVALID_REQUEST 超过单笔转账上下限; raised through the control API', async () => {
    for (const amount of [20_001, 9]) {
      const error = await apiErrorOf(wxpay().transferBills.create(createBody({ transfer_amount: amount })));
      expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
      expect(error.message).toContain('超过单笔转账上下限，核实产品设置是否准确');
    }
    expect((await wxpay().transferBills.create(createBody({ transfer_amount: 20_000 }))).state).toBe(
      'ACCEPTED',
    );
    const rules = await setRules({ per_transfer: 50_000 });
    expect(rules).toMatchObject({ mchid, per_transfer: 50_000, per_user_per_day: 200_000 });
    expect((await wxpay().transferBills.create(createBody({ transfer_amount: 50_000 }))).state).toBe(
      'ACCEPTED',
    );
    await setRules({ per_transfer: null });
    expect((await controlOk(h, 'GET', `/transfer-bills/rules/${mchid}`))['per_transfer']).toBe(20_000);
  });

  it('the per-user daily quota (2,000 CNY a natural day): the next transfer to the same user → 400 INVALID_REQUEST; another user, or the next day, passes', async () => {
    await setRules({ per_transfer: 200_000 });
    const openid = 'o-daily-user';
    await wxpay().transferBills.create(createBody({ openid, transfer_amount: 150_000 }));
    await wxpay().transferBills.create(createBody({ openid, transfer_amount: 50_000 }));
    const error = await apiErrorOf(wxpay().transferBills.create(createBody({ openid, transfer_amount: 10 })));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('超过单日向单用户转账额度');
    expect((await wxpay().transferBills.create(createBody({ transfer_amount: 10 }))).state).toBe('ACCEPTED');
    // START is 10:00 Beijing time: the quota resets at midnight.
    await h.advance(14 * 3600);
    expect((await wxpay().transferBills.create(createBody({ openid, transfer_amount: 10 }))).state).toBe(
      'ACCEPTED',
    );
  });

  it('a failed or cancelled bill gives its quota back', async () => {
    const openid = 'o-refund-user';
    await setRules({ per_user_per_day: 1_000 });
    const body = createBody({ openid, transfer_amount: 1_000 });
    await wxpay().transferBills.create(body);
    expect(
      (await apiErrorOf(wxpay().transferBills.create(createBody({ openid, transfer_amount: 10 })))).code,
    ).toBe('INVALID_REQUEST');
    await wxpay().transferBills.cancel({ out_bill_no: body.out_bill_no });
    await h.advance(STEP);
    expect((await wxpay().transferBills.create(createBody({ openid, transfer_amount: 10 }))).state).toBe(
      'ACCEPTED',
    );
  });

  it('the daily and the monthly quota of the paying merchant → 400 INVALID_REQUEST 超过单日转账额度 / 超过单月转账额度', async () => {
    await setRules({ per_day: 1_000, per_month: 1_500 });
    await wxpay().transferBills.create(createBody({ transfer_amount: 1_000 }));
    const day = await apiErrorOf(wxpay().transferBills.create(createBody({ transfer_amount: 10 })));
    expect(day.message).toContain('超过单日转账额度');
    await h.advance(DAY);
    await wxpay().transferBills.create(createBody({ transfer_amount: 500 }));
    const month = await apiErrorOf(wxpay().transferBills.create(createBody({ transfer_amount: 10 })));
    expect(month).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(month.message).toContain('超过单月转账额度');
  });

  it('the quotas of a partner bill are the paying sub-merchant’s', async () => {
    const sp = h.emulator.merchants.serviceProvider;
    const [sub, otherSub] = sp.subMchids as [string, string];
    await setRules({ per_transfer: 100 }, sub);
    const partnerBody = (sub_mchid: string) => ({
      ...createBody({ transfer_amount: 200 }),
      sub_mchid,
      appid: sp.appid,
    });
    const error = await apiErrorOf(h.sdk.serviceProvider.transferBills.partnerCreate(partnerBody(sub)));
    expect(error.message).toContain('超过单笔转账上下限');
    expect((await h.sdk.serviceProvider.transferBills.partnerCreate(partnerBody(otherSub))).state).toBe(
      'ACCEPTED',
    );
  });

  it('the scenes a merchant has are settable: another scene → 400 INVALID_REQUEST 你尚未获取该转账场景', async () => {
    await setRules({ transfer_scene_ids: ['1005'] });
    const error = await apiErrorOf(wxpay().transferBills.create(createBody()));
    expect(error).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      detail: { field: '/transfer_scene_id' },
    });
    expect(error.message).toContain('你尚未获取该转账场景');
    const bad = await h.control('POST', `/transfer-bills/rules/${mchid}`, { transfer_scene_ids: ['9999'] });
    expect(bad.status).toBe(400);
  });

  it('each scene’s report infos: missing ones are refused by the SDK (PARAM_ERROR in the emulator)', async () => {
    await expect(
      wxpay().transferBills.create(
        createBody({ transfer_scene_report_infos: [{ info_type: '活动名称', info_content: '新会员有礼' }] }),
      ),
    ).rejects.toMatchObject({ name: 'WechatPayValidationError' });
  });

  it('RED_PACKET up to 200 CNY only; user_name not below 0.3 CNY → 400 PARAM_ERROR', async () => {
    await setRules({ per_transfer: 100_000 });
    const red = await apiErrorOf(
      wxpay().transferBills.create(
        createBody({ transfer_amount: 20_001, user_recv_style: { type: 'RED_PACKET' } }),
      ),
    );
    expect(red).toMatchObject({ status: 400, code: 'PARAM_ERROR', detail: { field: '/transfer_amount' } });
    expect(red.message).toContain('红包样式单笔金额需小于等于200元');
    expect(
      (
        await wxpay().transferBills.create(
          createBody({ transfer_amount: 20_000, user_recv_style: { type: 'RED_PACKET' } }),
        )
      ).state,
    ).toBe('ACCEPTED');
    const name = await apiErrorOf(
      wxpay().transferBills.create(createBody({ transfer_amount: 29, user_name: '张三' })),
    );
    expect(name).toMatchObject({ status: 400, code: 'PARAM_ERROR' });
    expect(name.message).toContain('0.3元以下不允许输入姓名校验');
  });

  it('user_name from 2,000 CNY: the SDK refuses a transfer without it before sending', async () => {
    await setRules({ per_transfer: 300_000, per_user_per_day: 300_000 });
    await expect(
      wxpay().transferBills.create(createBody({ transfer_amount: 200_000 })),
    ).rejects.toMatchObject({
      name: 'WechatPayValidationError',
    });
    expect(
      (await wxpay().transferBills.create(createBody({ transfer_amount: 200_000, user_name: '张三' }))).state,
    ).toBe('ACCEPTED');
  });
});
