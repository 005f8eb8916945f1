import { notifications as notificationSpecs } from '@wxpay-kit/sdk/catalogue';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { rechargesFamily } from '../../../src/families/recharges/index.js';
import { expectApiError, PLATFORM, START_MS, SUB_A } from '../support/family-harness.js';
import { apply, close, get, pay, rechargeHarness, returnFunds } from './support.js';

const RESOURCE_SCHEMA = notificationSpecs.recharges.resource;

describe('recharges control: pay (user)', () => {
  it('BANK_TRANSFER with the payer’s details → SUCCESS with bank_transfer_info, accept_time and success_time', () => {
    const h = rechargeHarness();
    apply(h);
    h.clock.set(START_MS + 120_000);
    const view = pay(h, {
      channel: 'BANK_TRANSFER',
      bill_no: '110240620400046628001252733345',
      memo: '转账充值附言',
      bank_name: '中国银行',
      bank_card_tail: '0722',
      bank_account_name: '某某某有限公司',
    });
    expect(view).toMatchObject({
      recharge_state: 'SUCCESS',
      recharge_url: expect.any(String),
      fund_returns: [],
    });
    expect(get(h)).toMatchObject({
      recharge_channel: 'BANK_TRANSFER',
      recharge_state: 'SUCCESS',
      bank_transfer_info: {
        bill_no: '110240620400046628001252733345',
        memo: '转账充值附言',
        bank_name: '中国银行',
        bank_card_tail: '0722',
        bank_account_name: '某某某有限公司',
      },
      accept_time: '2025-05-20T12:02:00.000+08:00',
      success_time: '2025-05-20T12:02:00.000+08:00',
    });
  });

  it('QR_RECHARGE fills openid and employee_type when the body leaves them out', () => {
    const h = rechargeHarness();
    apply(h);
    pay(h, { channel: 'QR_RECHARGE' });
    const entity = get(h);
    expect(entity['qr_recharge_info']).toEqual({
      openid: expect.stringMatching(/^o[A-Za-z0-9_-]{27}$/),
      employee_type: 'STAFF',
    });
    expect(entity).not.toHaveProperty('bank_transfer_info');
    expect(entity).not.toHaveProperty('online_bank_recharge_info');
  });

  it('QR_RECHARGE takes employee_type ADMIN from the body', () => {
    const h = rechargeHarness();
    apply(h);
    pay(h, { channel: 'QR_RECHARGE', openid: 'owYiu0WOJdGCYxoHrPabGhI39uT4', employee_type: 'ADMIN' });
    expect(get(h)['qr_recharge_info']).toEqual({
      openid: 'owYiu0WOJdGCYxoHrPabGhI39uT4',
      employee_type: 'ADMIN',
    });
  });

  it('ONLINE_BANK defaults: a bill number, a bank, corporate online banking, the sub-merchant’s name', () => {
    const h = rechargeHarness();
    apply(h);
    pay(h, { channel: 'ONLINE_BANK' });
    expect(get(h)['online_bank_recharge_info']).toEqual({
      bill_no: expect.stringMatching(/^[0-9]{30}$/),
      bank_name: expect.any(String),
      online_bank_type: 'ONLINE_BANK_TYPE_CORPORATE',
      bank_card_tail: expect.stringMatching(/^[0-9]{4}$/),
      bank_account_name: '甲二级商户有限公司',
    });
  });

  it('a channel outside available_recharge_channels fails with a clear error and changes nothing', () => {
    const h = rechargeHarness();
    apply(h, { available_recharge_channels: ['QR_RECHARGE'] });
    const error = expectApiError(() => pay(h, { channel: 'BANK_TRANSFER' }), 400, 'INVALID_REQUEST');
    expect(error.message).toContain('BANK_TRANSFER is not available');
    expect(error.detail?.issue).toContain('[QR_RECHARGE]');
    expect(get(h)['recharge_state']).toBe('RECHARGING');
    expect(h.notifications()).toEqual([]);
  });

  it.each([
    [{}, '/channel', 'required'],
    [{ channel: 'CASH' }, '/channel', 'one of'],
    [
      { channel: 'QR_RECHARGE', bank_name: '中国银行' },
      '/bank_name',
      'allowed: channel, openid, employee_type',
    ],
    [{ channel: 'BANK_TRANSFER', bank_card_tail: '72' }, '/bank_card_tail', 'last four digits'],
    [{ channel: 'QR_RECHARGE', employee_type: 'BOSS' }, '/employee_type', 'ADMIN'],
    [{ channel: 'ONLINE_BANK', online_bank_type: 'X' }, '/online_bank_type', 'ONLINE_BANK_TYPE_PERSONAL'],
  ])('refuses body %j: PARAM_ERROR on %s', (body, field, issue) => {
    const h = rechargeHarness();
    apply(h);
    const error = expectApiError(() => pay(h, body), 400, 'PARAM_ERROR');
    expect(error.detail?.field).toBe(field);
    expect(error.detail?.issue).toContain(issue);
  });

  it('refuses to pay a recharge twice or a closed one', () => {
    const h = rechargeHarness();
    apply(h);
    pay(h, { channel: 'QR_RECHARGE' });
    expectApiError(() => pay(h, { channel: 'QR_RECHARGE' }), 400, 'INVALID_REQUEST');
    apply(h, { out_recharge_no: 'closed1' });
    close(h, 'closed1');
    expectApiError(() => pay(h, { channel: 'QR_RECHARGE' }, 'closed1'), 400, 'INVALID_REQUEST');
  });

  it('is 404 for an unknown recharge or another platform’s path', () => {
    const h = rechargeHarness();
    apply(h);
    expectApiError(() => pay(h, { channel: 'QR_RECHARGE' }, 'nosuch'), 404, 'NOT_FOUND');
    expectApiError(
      () =>
        h.control(
          'POST',
          '/:mchid/:out_recharge_no/pay',
          { mchid: SUB_A, out_recharge_no: 'cz2020042013' },
          {
            channel: 'QR_RECHARGE',
          },
        ),
      404,
      'NOT_FOUND',
    );
  });

  it('sends RECHARGE.SUCCESS whose plaintext is the entity plus remark, valid for the catalogue', () => {
    const h = rechargeHarness();
    apply(h);
    pay(h, { channel: 'BANK_TRANSFER' });
    expect(h.notifications()).toHaveLength(1);
    const [sent] = h.notifications();
    expect(sent).toMatchObject({
      mchid: PLATFORM,
      eventType: 'RECHARGE.SUCCESS',
      originalType: 'recharge',
      associatedData: 'recharge',
      family: 'recharges',
      resourceKey: 'cz2020042013',
    });
    expect(sent?.resource).toEqual({ ...get(h), remark: '保证金充值' });
    expect(Value.Check(RESOURCE_SCHEMA, sent?.resource)).toBe(true);
  });
});

describe('recharges control: return-funds (system)', () => {
  it('returns all funds by default: stays SUCCESS, marks the channel info, sends RECHARGE.FUND_RETURNED', () => {
    const h = rechargeHarness();
    apply(h);
    pay(h, {
      channel: 'BANK_TRANSFER',
      memo: '附言123',
      bank_name: '中国银行',
      bank_account_name: '某某某有限公司',
    });
    h.clock.set(START_MS + 86_400_000);
    const view = returnFunds(h);
    const entity = get(h);
    expect(entity['recharge_state']).toBe('SUCCESS');
    expect(entity['bank_transfer_info']).toMatchObject({
      return_time: '2025-05-21T12:00:00.000+08:00',
      return_reason: '银行转账充值金额与申请充值金额不一致',
    });
    const fundReturns = view['fund_returns'] as { recharge_returned_id: string }[];
    expect(fundReturns).toHaveLength(1);
    const returned = h.notifications().at(-1);
    expect(returned).toMatchObject({
      eventType: 'RECHARGE.FUND_RETURNED',
      originalType: 'recharge',
      summary: '充值资金已退回',
    });
    expect(returned?.resource).toEqual({
      sp_mchid: PLATFORM,
      sub_mchid: SUB_A,
      recharge_id: entity['recharge_id'],
      out_recharge_no: 'cz2020042013',
      recharge_returned_id: fundReturns[0]?.recharge_returned_id,
      recharge_channel: 'BANK_TRANSFER',
      detail: {
        bank_name: '中国银行',
        bank_card_tail: '0722',
        bank_account_name: '某某某有限公司',
        amount: 500000,
        currency: 'CNY',
        memo: '附言123',
        return_time: '2025-05-21T12:00:00.000+08:00',
        return_reason: '银行转账充值金额与申请充值金额不一致',
      },
    });
    expect(Value.Check(RESOURCE_SCHEMA, returned?.resource)).toBe(true);
  });

  it('returns part of an ONLINE_BANK recharge with the given reason, then refuses more than is left', () => {
    const h = rechargeHarness();
    apply(h);
    pay(h, { channel: 'ONLINE_BANK' });
    returnFunds(h, { amount: 200000, return_reason: '实际付款户名与充值单要求的付款户名不一致' });
    const second = returnFunds(h, { amount: 300000 });
    expect(second['fund_returns']).toHaveLength(2);
    const ids = (second['fund_returns'] as { recharge_returned_id: string }[]).map(
      (r) => r.recharge_returned_id,
    );
    expect(new Set(ids).size).toBe(2);
    expect(h.notifications().filter((n) => n.eventType === 'RECHARGE.FUND_RETURNED')).toHaveLength(2);
    expect(h.notifications().at(-1)?.resource).toMatchObject({
      recharge_channel: 'ONLINE_BANK',
      detail: { amount: 300000, return_reason: '实际付款户名与充值单要求的付款户名不一致' },
    });
    expect(h.notifications().at(-1)?.resource).not.toHaveProperty('detail.memo');
    expectApiError(() => returnFunds(h, { amount: 1 }), 400, 'INVALID_REQUEST');
  });

  it('refuses funds returned for a QR recharge, an unpaid recharge, or a bad amount', () => {
    const h = rechargeHarness();
    apply(h);
    expectApiError(() => returnFunds(h), 400, 'INVALID_REQUEST');
    pay(h, { channel: 'QR_RECHARGE' });
    expect(expectApiError(() => returnFunds(h), 400, 'INVALID_REQUEST').message).toContain('QR_RECHARGE');
    apply(h, { out_recharge_no: 'bt1' });
    pay(h, { channel: 'BANK_TRANSFER' }, 'bt1');
    expect(
      expectApiError(() => returnFunds(h, { amount: '100' }, 'bt1'), 400, 'PARAM_ERROR').detail?.field,
    ).toBe('/amount');
    expect(
      expectApiError(() => returnFunds(h, { amount: 500001 }, 'bt1'), 400, 'PARAM_ERROR').detail?.field,
    ).toBe('/amount');
    expect(
      expectApiError(() => returnFunds(h, { reason: 'x' }, 'bt1'), 400, 'PARAM_ERROR').detail?.field,
    ).toBe('/reason');
  });
});

describe('recharges inspect', () => {
  it('lists a platform’s recharges, with what the API never shows, filtered by merchant', () => {
    const h = rechargeHarness();
    apply(h);
    const [listed] = rechargesFamily.inspect.list(h.deps, { mchid: PLATFORM });
    expect(listed).toMatchObject({
      out_recharge_no: 'cz2020042013',
      notify_url: 'https://www.weixin.qq.com/wxpay/recharge-notify',
      remark: '保证金充值',
      recharge_url: expect.stringContaining('https://www.payapp.qq.com/plat/recharge.html?token='),
    });
    expect(rechargesFamily.inspect.list(h.deps, { mchid: SUB_A })).toHaveLength(1);
    expect(rechargesFamily.inspect.list(h.deps, { mchid: '1900009999' })).toHaveLength(0);
  });
});
