import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';

// The README's SDK examples, call for call, with the numbers as the README prints them: a fresh emulator has these
// merchants and sub-merchants (core/dev-merchants.ts). Only the notify URLs point at a local receiver instead.
let h: E2eHarness;
beforeAll(async () => {
  h = await startE2e();
});
afterAll(() => h.close());

const settle = () => h.advance(60);

describe('README examples', () => {
  it('authorizations.apply, authorizations.get, authorizations.close', async () => {
    const wxpay = h.sdk.ordinary;
    const { package_info } = await wxpay.authorizations.apply({
      out_authorization_no: 'plfk2020042013',
      appid: 'wxf636efh567hg4356',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      transfer_scene_id: '1000',
      user_display_name: 'wx_123456',
      user_recv_perception: '现金奖励',
      authorization_notify_url: h.receiver.url('ordinary'),
    });
    expect(package_info).toEqual(expect.any(String));
    expect((await h.control('POST', '/authorizations/1900000001/plfk2020042013/confirm')).status).toBe(200);
    const auth = await wxpay.authorizations.get({ out_authorization_no: 'plfk2020042013' });
    expect(auth.state).toBe('TAKING_EFFECT');
    const closed = await wxpay.authorizations.close({ out_authorization_no: 'plfk2020042013' });
    expect(closed.state).toBe('CLOSED');
    expect(closed.close_info?.close_reason).toBe('CLOSE_VIA_MCH_API');
  });

  it('transferBills.create, transferBills.get (user_name decrypted), transferBills.cancel', async () => {
    const wxpay = h.sdk.serviceProvider;
    const created = await wxpay.transferBills.create({
      sub_mchid: '1900000211',
      appid: 'wxd678efh567hg6787',
      out_bill_no: 'plfk2020042013',
      transfer_scene_id: '1000',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      user_name: '张三',
      transfer_amount: 400000,
      transfer_remark: '2020年4月报销',
      notify_url: h.receiver.url('serviceProvider'),
      transfer_scene_report_infos: [
        { info_type: '活动名称', info_content: '新会员有礼' },
        { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
      ],
    });
    expect(created.transfer_bill_no).toMatch(/^\d+$/);
    await settle();
    const bill = await wxpay.transferBills.get({ out_bill_no: 'plfk2020042013', sub_mchid: '1900000211' });
    expect(bill.state).toBe('WAIT_USER_CONFIRM');
    expect(bill.user_name).toBe('张三');
    const cancelled = await wxpay.transferBills.cancel({
      out_bill_no: 'plfk2020042013',
      sub_mchid: '1900000211',
    });
    expect(cancelled.state).toBe('CANCELING');
  });

  it('recharges.apply, recharges.get, recharges.close', async () => {
    const wxpay = h.sdk.platform;
    const { recharge_url } = await wxpay.recharges.apply({
      sub_mchid: '1900001121',
      out_recharge_no: 'cz2020042013',
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      account_type: 'DEPOSIT',
      recharge_amount: { amount: 500000, currency: 'CNY' },
      notify_url: h.receiver.url('platform'),
    });
    expect(recharge_url).toMatch(/^https:\/\//);
    const recharge = await wxpay.recharges.get({ out_recharge_no: 'cz2020042013', sub_mchid: '1900001121' });
    expect(recharge.recharge_state).toBe('RECHARGING');
    const closed = await wxpay.recharges.close({ out_recharge_no: 'cz2020042013', sub_mchid: '1900001121' });
    expect(closed.recharge_state).toBe('CLOSED');
  });

  it('cancelWithdraws.validate, .apply, .get, .getByApplymentId, .confirm', async () => {
    const wxpay = h.sdk.platform;
    const check = await wxpay.cancelWithdraws.validate({ sub_mchid: '1900000109' });
    expect(check.validate_result).toBe('ALLOW_CANCEL_WITHDRAW');
    const { applyment_id } = await wxpay.cancelWithdraws.apply({
      sub_mchid: '1900000109',
      out_request_no: 'P202410241010125346',
      withdraw: 'APPLY_WITHDRAW',
      payee_info: {
        account_type: 'ACCOUNT_TYPE_CORPORATE',
        bank_account_info: {
          account_name: '某某某有限公司',
          account_bank: '招商银行',
          account_number: '6214830000000001',
        },
      },
    });
    await settle();
    const application = await wxpay.cancelWithdraws.get({ out_request_no: 'P202410241010125346' });
    expect(application.cancel_state).toBe('WAITING_MERCHANT_CONFIRM');
    const same = await wxpay.cancelWithdraws.getByApplymentId({ applyment_id });
    expect(same.out_request_no).toBe('P202410241010125346');
    const confirmed = await wxpay.cancelWithdraws.confirm({
      applyment_id,
      out_request_no: 'P202410241010125346',
      sub_mchid: '1900000109',
      operator_identification: 'id1102',
      confirm_time: '2015-05-20T13:29:35+08:00',
      cancel_contract_version: 'V20241213',
    });
    expect(confirmed).toMatchObject({ applyment_id, sub_mchid: '1900000109' });
    const after = await wxpay.cancelWithdraws.getByApplymentId({ applyment_id });
    expect(after.cancel_state).toBe('SYSTEM_PROCESSING');
  });
});
