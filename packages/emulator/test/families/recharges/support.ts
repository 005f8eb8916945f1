import type { EmulatorSettings } from '../../../src/families/family.js';
import { rechargesFamily } from '../../../src/families/recharges/index.js';
import { FamilyHarness, PLATFORM, SUB_A } from '../support/family-harness.js';

export const OUT_RECHARGE_NO = 'cz2020042013';

/** A recharges.apply body as a platform sends it; override any field. */
export function applyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub_mchid: SUB_A,
    out_recharge_no: OUT_RECHARGE_NO,
    recharge_scene: 'ECOMMERCE_DEPOSIT',
    account_type: 'DEPOSIT',
    recharge_amount: { amount: 500000, currency: 'CNY' },
    notify_url: 'https://www.weixin.qq.com/wxpay/recharge-notify',
    remark: '保证金充值',
    ...overrides,
  };
}

export function rechargeHarness(settings: Partial<EmulatorSettings> = {}): FamilyHarness {
  return new FamilyHarness(rechargesFamily, settings);
}

/** Applies as PLATFORM and returns the apply answer. */
export function apply(h: FamilyHarness, overrides: Record<string, unknown> = {}) {
  return h.call('recharges.apply', { caller: PLATFORM, body: applyBody(overrides) }).body as {
    recharge_id: string;
    out_recharge_no: string;
    recharge_url: string;
  };
}

export function get(h: FamilyHarness, outRechargeNo = OUT_RECHARGE_NO, subMchid = SUB_A) {
  return h.call('recharges.get', {
    caller: PLATFORM,
    params: { out_recharge_no: outRechargeNo },
    query: { sub_mchid: subMchid },
  }).body as Record<string, unknown>;
}

export function close(h: FamilyHarness, outRechargeNo = OUT_RECHARGE_NO, subMchid = SUB_A) {
  return h.call('recharges.close', {
    caller: PLATFORM,
    params: { out_recharge_no: outRechargeNo },
    query: { sub_mchid: subMchid },
  });
}

/** A user or system action on one of PLATFORM's recharges; answers the control view. */
export function act(
  h: FamilyHarness,
  action: 'pay' | 'return-funds',
  body?: Record<string, unknown>,
  outRechargeNo = OUT_RECHARGE_NO,
) {
  return h.control(
    'POST',
    `/:mchid/:out_recharge_no/${action}`,
    { mchid: PLATFORM, out_recharge_no: outRechargeNo },
    body,
  ).body as Record<string, unknown>;
}

export function pay(h: FamilyHarness, body: Record<string, unknown>, outRechargeNo = OUT_RECHARGE_NO) {
  return act(h, 'pay', body, outRechargeNo);
}

export function returnFunds(
  h: FamilyHarness,
  body?: Record<string, unknown>,
  outRechargeNo = OUT_RECHARGE_NO,
) {
  return act(h, 'return-funds', body, outRechargeNo);
}
