import { rechargesFamily } from '../../../src/families/recharges/index.js';
import { createHarness, type Harness, type HarnessOptions, PLATFORM, SUB_A } from './family-harness.js';

/** A recharges.apply body as a platform sends it; override any field. */
export function applyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub_mchid: SUB_A,
    out_recharge_no: 'cz2020042013',
    recharge_scene: 'ECOMMERCE_DEPOSIT',
    account_type: 'DEPOSIT',
    recharge_amount: { amount: 500000, currency: 'CNY' },
    notify_url: 'https://www.weixin.qq.com/wxpay/recharge-notify',
    remark: '保证金充值',
    ...overrides,
  };
}

export function rechargeHarness(options?: HarnessOptions): Harness {
  return createHarness(rechargesFamily, options);
}

/** Applies and returns the apply answer. */
export function apply(h: Harness, overrides: Record<string, unknown> = {}) {
  return h.call('recharges.apply', { body: applyBody(overrides) }).body as {
    recharge_id: string;
    out_recharge_no: string;
    recharge_url: string;
  };
}

export function get(h: Harness, outRechargeNo = 'cz2020042013', subMchid = SUB_A) {
  return h.call('recharges.get', {
    params: { out_recharge_no: outRechargeNo },
    query: { sub_mchid: subMchid },
  }).body as Record<string, unknown>;
}

export function close(h: Harness, outRechargeNo = 'cz2020042013', subMchid = SUB_A) {
  return h.call('recharges.close', {
    params: { out_recharge_no: outRechargeNo },
    query: { sub_mchid: subMchid },
  });
}

export function pay(h: Harness, body: Record<string, unknown>, outRechargeNo = 'cz2020042013') {
  return h.control(
    'POST',
    '/:mchid/:out_recharge_no/pay',
    { mchid: PLATFORM, out_recharge_no: outRechargeNo },
    body,
  ).body as Record<string, unknown>;
}

export function returnFunds(h: Harness, body?: Record<string, unknown>, outRechargeNo = 'cz2020042013') {
  return h.control(
    'POST',
    '/:mchid/:out_recharge_no/return-funds',
    { mchid: PLATFORM, out_recharge_no: outRechargeNo },
    body,
  ).body as Record<string, unknown>;
}
