import type { OperationInput } from '@wxpay-kit/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import {
  apiErrorOf,
  controlOk,
  eventsFor,
  mark,
  ms,
  responseErrors,
  START,
  uniqueNo,
} from './support-a/e2e-kit.js';

// Transfers under a user's authorization (A5, transferBills.transfer and its partner twin) through the SDK: the
// authorized path ACCEPTED → PROCESSING → TRANSFERING → SUCCESS without a confirm page, and every way the
// authorization can fail to be in force.

const STEP = 5;

let h: E2eHarness;
let mchid: string;
let appid: string;
let spMchid: string;
let sub: string;

beforeAll(async () => {
  h = await startE2e({ clock: { mode: 'manual', start: START }, asyncStepMs: STEP * 1000 });
  mchid = h.emulator.merchants.ordinary.mchid;
  appid = h.emulator.merchants.ordinary.appid;
  spMchid = h.emulator.merchants.serviceProvider.mchid;
  sub = h.emulator.merchants.serviceProvider.subMchids[0]!;
});

afterAll(async () => {
  await h?.close();
});

beforeEach(async () => {
  await controlOk(h, 'POST', '/reset');
});

const wxpay = () => h.sdk.ordinary;

/** An authorization of the ordinary merchant the user agreed to: TAKING_EFFECT with its authorization_id. */
async function authorizationInEffect(overrides: Partial<OperationInput<'authorizations.apply'>> = {}) {
  const body: OperationInput<'authorizations.apply'> = {
    out_authorization_no: uniqueNo('auth'),
    appid,
    openid: `o-${uniqueNo('user')}`,
    transfer_scene_id: '1005',
    user_display_name: '张*',
    authorization_notify_url: h.receiver.url('ordinary'),
    ...overrides,
  };
  await wxpay().authorizations.apply(body);
  await controlOk(h, 'POST', `/authorizations/${mchid}/${body.out_authorization_no}/confirm`);
  const auth = await wxpay().authorizations.get({ out_authorization_no: body.out_authorization_no });
  expect(auth.state).toBe('TAKING_EFFECT');
  return { no: body.out_authorization_no, id: auth.authorization_id!, openid: body.openid };
}

function transferBody(
  overrides: Partial<OperationInput<'transferBills.transfer'>> = {},
): OperationInput<'transferBills.transfer'> {
  return {
    appid,
    out_bill_no: uniqueNo('a5'),
    transfer_scene_id: '1005',
    transfer_amount: 800,
    transfer_remark: '7月份配送费',
    transfer_scene_report_infos: [
      { info_type: '岗位类型', info_content: '外卖员' },
      { info_type: '报酬说明', info_content: '7月份配送费' },
    ],
    ...overrides,
  };
}

const byTransferBillNo = (transfer_bill_no: string) =>
  wxpay().transferBills.getByTransferBillNo({ transfer_bill_no });

describe('transferBills.transfer: the authorized path', () => {
  it('transferBills.transfer with authorization_id → ACCEPTED → PROCESSING → TRANSFERING → SUCCESS on the clock, no confirm page, paid to the authorization’s user', async () => {
    const auth = await authorizationInEffect();
    const body = transferBody({ authorization_id: auth.id, user_name: '张三' });
    const createdAt = h.emulator.clock.now();
    const bill = await wxpay().transferBills.transfer(body);
    expect(responseErrors('transferBills.transfer', bill)).toEqual([]);
    expect(bill).toEqual({
      mch_id: mchid,
      out_bill_no: body.out_bill_no,
      transfer_bill_no: expect.stringMatching(/^1330\d{36}$/),
      appid,
      state: 'ACCEPTED',
      transfer_amount: 800,
      transfer_remark: '7月份配送费',
      openid: auth.openid,
      user_name: '张三',
      create_time: expect.any(String),
      update_time: expect.any(String),
    });
    expect(ms(bill.create_time)).toBe(createdAt);

    const states = [];
    for (let i = 0; i < 3; i++) {
      await h.advance(STEP);
      states.push((await byTransferBillNo(bill.transfer_bill_no)).state);
    }
    expect(states).toEqual(['PROCESSING', 'TRANSFERING', 'SUCCESS']);
    const done = await byTransferBillNo(bill.transfer_bill_no);
    expect(responseErrors('transferBills.getByTransferBillNo', done)).toEqual([]);
    expect(done).toMatchObject({ mch_id: mchid, openid: auth.openid, user_name: '张三' });
    expect(ms(done.update_time)).toBe(createdAt + 3 * STEP * 1000);
    // The user never had anything to confirm.
    const confirm = await h.control('POST', `/transfer-bills/${mchid}/${body.out_bill_no}/confirm`);
    expect(confirm.status).toBe(400);
  });

  it('transferBills.transfer with out_authorization_no, and with both numbers of the same authorization', async () => {
    const auth = await authorizationInEffect();
    const one = await wxpay().transferBills.transfer(transferBody({ out_authorization_no: auth.no }));
    expect(one.openid).toBe(auth.openid);
    const both = await wxpay().transferBills.transfer(
      transferBody({ authorization_id: auth.id, out_authorization_no: auth.no }),
    );
    expect(both.openid).toBe(auth.openid);
  });

  it('transferBills.transfer repeated with the same body returns the same bill; SUCCESS → ALREADY_EXISTS', async () => {
    const auth = await authorizationInEffect();
    const body = transferBody({ authorization_id: auth.id });
    const first = await wxpay().transferBills.transfer(body);
    expect(await wxpay().transferBills.transfer(body)).toEqual(first);
    await h.advance(3 * STEP);
    const again = await apiErrorOf(wxpay().transferBills.transfer(body));
    expect(again).toMatchObject({ status: 400, code: 'ALREADY_EXISTS' });
    expect(again.message).toContain('订单已存在');
  });

  it('a transfer WeChat Pay fails while TRANSFERING → FAIL, funds returned; the same body again → 400 ORDER_CLOSED', async () => {
    const auth = await authorizationInEffect();
    const body = transferBody({ authorization_id: auth.id });
    await wxpay().transferBills.transfer(body);
    await h.advance(2 * STEP);
    await controlOk(h, 'POST', `/transfer-bills/${mchid}/${body.out_bill_no}/fail`, {
      fail_reason: 'PAYEE_ACCOUNT_ABNORMAL',
    });
    const balance = await controlOk(h, 'GET', `/transfer-bills/balances/${mchid}`);
    expect(balance).toMatchObject({ locked: 0, available: 100_000_000 });
    const error = await apiErrorOf(wxpay().transferBills.transfer(body));
    expect(error).toMatchObject({ status: 400, code: 'ORDER_CLOSED' });
  });

  it('a balance short of the amount → 403 NOT_ENOUGH 资金不足, no bill', async () => {
    const auth = await authorizationInEffect();
    await controlOk(h, 'POST', `/transfer-bills/balances/${mchid}`, { amount: 799 });
    const body = transferBody({ authorization_id: auth.id });
    const error = await apiErrorOf(wxpay().transferBills.transfer(body));
    expect(error).toMatchObject({ status: 403, code: 'NOT_ENOUGH', operation: 'transferBills.transfer' });
    expect(error.message).toContain('资金不足');
    const listed = await controlOk<{ items: unknown[] }>(
      h,
      'GET',
      `/resources/transfer-bills?mchid=${mchid}`,
    );
    expect(listed.items).toEqual([]);
  });
});

describe('transferBills.transfer: the authorization must be in force', () => {
  it('after authorizations.close (seed 000) the next authorized transfer is refused: 400 INVALID_REQUEST, no bill', async () => {
    const auth = await authorizationInEffect();
    const before = await wxpay().transferBills.transfer(transferBody({ authorization_id: auth.id }));
    expect(before.state).toBe('ACCEPTED');
    const closed = await wxpay().authorizations.close({ out_authorization_no: auth.no });
    expect(closed).toMatchObject({ state: 'CLOSED', authorization_id: auth.id });
    for (const ref of [{ authorization_id: auth.id }, { out_authorization_no: auth.no }]) {
      const body = transferBody(ref);
      const error = await apiErrorOf(wxpay().transferBills.transfer(body));
      expect(error).toMatchObject({
        status: 400,
        code: 'INVALID_REQUEST',
        operation: 'transferBills.transfer',
      });
      expect(error.message).toContain('免确认收款授权未生效或已关闭');
      expect(error.message).toContain('CLOSE_VIA_MCH_API');
    }
    const listed = await controlOk<{ items: unknown[] }>(
      h,
      'GET',
      `/resources/transfer-bills?mchid=${mchid}`,
    );
    expect(listed.items).toHaveLength(1);
    // The transfer made while it was in force still completes.
    await h.advance(3 * STEP);
    expect((await byTransferBillNo(before.transfer_bill_no)).state).toBe('SUCCESS');
  });

  it('an authorization the user revoked → 400 INVALID_REQUEST naming USER_CLOSE', async () => {
    const auth = await authorizationInEffect();
    await controlOk(h, 'POST', `/authorizations/${mchid}/${auth.no}/revoke`);
    const error = await apiErrorOf(
      wxpay().transferBills.transfer(transferBody({ authorization_id: auth.id })),
    );
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('USER_CLOSE');
  });

  it('an authorization closed for an abnormal user account → 403 USER_ERROR 当前用户状态异常', async () => {
    const auth = await authorizationInEffect();
    await controlOk(h, 'POST', `/authorizations/${mchid}/${auth.no}/risk-close`, {
      close_reason: 'USER_ACCOUNT_ABNORMAL',
    });
    const error = await apiErrorOf(
      wxpay().transferBills.transfer(transferBody({ out_authorization_no: auth.no })),
    );
    expect(error).toMatchObject({ status: 403, code: 'USER_ERROR' });
    expect(error.message).toContain('当前用户状态异常');
  });

  it('an authorization the user has not agreed to yet → 400 INVALID_REQUEST', async () => {
    const no = uniqueNo('auth');
    await wxpay().authorizations.apply({
      out_authorization_no: no,
      appid,
      openid: 'o-waiting',
      transfer_scene_id: '1005',
      user_display_name: '张*',
      authorization_notify_url: h.receiver.url('ordinary'),
    });
    const error = await apiErrorOf(
      wxpay().transferBills.transfer(transferBody({ out_authorization_no: no })),
    );
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('is WAIT_USER_CONFIRM');
  });

  it('another AppID, another scene, an unknown authorization, or two numbers naming two users → 400 INVALID_REQUEST', async () => {
    const auth = await authorizationInEffect();
    const other = await authorizationInEffect();
    const cases: [Partial<OperationInput<'transferBills.transfer'>>, string][] = [
      [{ authorization_id: auth.id, appid: 'wx0000000000000000' }, 'appid与免确认收款授权不一致'],
      [
        {
          authorization_id: auth.id,
          transfer_scene_id: '1000',
          transfer_scene_report_infos: [
            { info_type: '活动名称', info_content: '新会员有礼' },
            { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
          ],
        },
        '转账场景与免确认收款授权不一致',
      ],
      [{ authorization_id: '201202504101000123456789012' }, '免确认收款授权不存在'],
      [
        { authorization_id: auth.id, out_authorization_no: other.no },
        'authorization_id与out_authorization_no对应的免确认收款授权不一致',
      ],
    ];
    for (const [overrides, message] of cases) {
      const error = await apiErrorOf(wxpay().transferBills.transfer(transferBody(overrides)));
      expect(error, message).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
      expect(error.message).toContain(message);
    }
  });

  it('another merchant’s authorization does not exist for the caller: the partner cannot use the ordinary merchant’s', async () => {
    const auth = await authorizationInEffect();
    const error = await apiErrorOf(
      h.sdk.serviceProvider.transferBills.partnerTransfer({
        ...transferBody({ authorization_id: auth.id }),
        sub_mchid: sub,
        appid: h.emulator.merchants.serviceProvider.appid,
      }),
    );
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('免确认收款授权不存在');
  });

  it('neither authorization_id nor out_authorization_no → the SDK refuses before sending', async () => {
    await expect(wxpay().transferBills.transfer(transferBody())).rejects.toMatchObject({
      name: 'WechatPayValidationError',
    });
  });
});

describe('transferBills.partnerTransfer: the service provider under its own authorization', () => {
  it('authorizations.partnerApply (notify_url) → the user agrees → partnerTransfer pays the sub-merchant’s funds to that user, FINISHED to notify_url', async () => {
    const sp = h.sdk.serviceProvider;
    const spAppid = h.emulator.merchants.serviceProvider.appid;
    const no = uniqueNo('pauth');
    const since = mark(h);
    const applied = await sp.authorizations.partnerApply({
      out_authorization_no: no,
      appid: spAppid,
      openid: 'o-partner-user',
      transfer_scene_id: '1005',
      user_display_name: '李*',
      notify_url: h.receiver.url('serviceProvider'),
    });
    expect(responseErrors('authorizations.partnerApply', applied)).toEqual([]);
    await controlOk(h, 'POST', `/authorizations/${spMchid}/${no}/confirm`);
    const auth = await sp.authorizations.partnerGet({ out_authorization_no: no });
    expect(responseErrors('authorizations.partnerGet', auth)).toEqual([]);
    expect(auth.state).toBe('TAKING_EFFECT');
    const confirmed = await eventsFor(h, since, no);
    expect(confirmed.map((e) => e.event_type)).toEqual(['MCHTRANSFER.AUTHORIZATION.CONFIRMED']);

    const out_bill_no = uniqueNo('pa5');
    const bill = await sp.transferBills.partnerTransfer({
      ...transferBody({ authorization_id: auth.authorization_id!, out_bill_no }),
      sub_mchid: sub,
      appid: spAppid,
      notify_url: h.receiver.url('serviceProvider'),
    });
    expect(responseErrors('transferBills.partnerTransfer', bill)).toEqual([]);
    expect(bill).toMatchObject({
      sub_mchid: sub,
      mchid: spMchid,
      state: 'ACCEPTED',
      openid: 'o-partner-user',
    });
    await h.advance(3 * STEP);
    const finished = await eventsFor(h, since, out_bill_no);
    expect(finished.map((e) => [e.event_type, e.resource['state'], e.resource['sub_mchid']])).toEqual([
      ['MCHTRANSFER.BILL.FINISHED', 'SUCCESS', sub],
    ]);
    const balance = await controlOk(h, 'GET', `/transfer-bills/balances/${sub}`);
    expect(balance).toMatchObject({ available: 100_000_000 - 800, locked: 0 });

    const closed = await sp.authorizations.partnerClose({ out_authorization_no: no });
    expect(responseErrors('authorizations.partnerClose', closed)).toEqual([]);
    expect(closed).toMatchObject({ state: 'CLOSED', close_info: { close_reason: 'CLOSE_VIA_MCH_API' } });
    const refused = await apiErrorOf(
      sp.transferBills.partnerTransfer({
        ...transferBody({ out_authorization_no: no }),
        sub_mchid: sub,
        appid: spAppid,
      }),
    );
    expect(refused).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });
});
