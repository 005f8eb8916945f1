import type { EmulatorSettings } from '../../../src/families/family.js';
import { transferBillsFamily } from '../../../src/families/transfer-bills/index.js';
import { FamilyHarness, SERVICE_PROVIDER, SUB_MERCHANT } from '../support/family-harness.js';

export const OUT_BILL_NO = 'plfk2020042013';

export function environment(settings: Partial<EmulatorSettings> = {}): FamilyHarness {
  return new FamilyHarness(transferBillsFamily, settings);
}

/** Quotas a merchant had raised on application, so that transfers above the 200 CNY default go through. */
export function raiseQuotas(env: FamilyHarness, mchid = SUB_MERCHANT) {
  return env.control(
    'POST',
    '/rules/:mchid',
    { mchid },
    {
      per_transfer: 1_000_000,
      per_user_per_day: 5_000_000,
    },
  );
}

export function createBody(overrides: Record<string, unknown> = {}) {
  return {
    sub_mchid: SUB_MERCHANT,
    appid: 'wxf636efh567hg4356',
    out_bill_no: OUT_BILL_NO,
    transfer_scene_id: '1000',
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    transfer_amount: 400,
    transfer_remark: '新会员开通有礼',
    notify_url: 'https://merchant.example.com/transfer-notify',
    user_recv_perception: '现金奖励',
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新会员有礼' },
      { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
    ],
    ...overrides,
  };
}

export function create(
  env: FamilyHarness,
  overrides: Record<string, unknown> = {},
  caller = SERVICE_PROVIDER,
) {
  return env.call('transferBills.partnerCreate', { caller, body: createBody(overrides) });
}

/** Sends `body` as it is, for requests that leave out fields `createBody` fills in. */
export function createExactly(env: FamilyHarness, body: Record<string, unknown>) {
  return env.call('transferBills.partnerCreate', { caller: SERVICE_PROVIDER, body });
}

export function get(
  env: FamilyHarness,
  outBillNo = OUT_BILL_NO,
  subMchid = SUB_MERCHANT,
  caller = SERVICE_PROVIDER,
) {
  return env.call('transferBills.partnerGet', {
    caller,
    params: { out_bill_no: outBillNo },
    query: { sub_mchid: subMchid },
  });
}

export function cancel(env: FamilyHarness, outBillNo = OUT_BILL_NO, subMchid = SUB_MERCHANT) {
  return env.call('transferBills.partnerCancel', {
    caller: SERVICE_PROVIDER,
    params: { out_bill_no: outBillNo },
    body: { sub_mchid: subMchid },
  });
}

export function billAction(
  env: FamilyHarness,
  verb: 'confirm' | 'succeed' | 'fail',
  body?: unknown,
  outBillNo = OUT_BILL_NO,
) {
  return env.control(
    'POST',
    `/:mchid/:out_bill_no/${verb}`,
    { mchid: SERVICE_PROVIDER, out_bill_no: outBillNo },
    body,
  );
}

export function setBalance(env: FamilyHarness, amount: unknown, subMchid = SUB_MERCHANT) {
  return env.control('POST', '/balances/:sub_mchid', { sub_mchid: subMchid }, { amount });
}

export function balance(env: FamilyHarness, subMchid = SUB_MERCHANT) {
  return env.control('GET', '/balances/:sub_mchid', { sub_mchid: subMchid }).body as {
    available: number;
    locked: number;
  };
}

export function stateOf(env: FamilyHarness, outBillNo = OUT_BILL_NO): string {
  return (get(env, outBillNo).body as { state: string }).state;
}

export function body(result: { body?: unknown }): Record<string, unknown> {
  return result.body as Record<string, unknown>;
}
