import { cancelWithdrawsFamily } from '../../../src/families/cancel-withdraws/index.js';
import type { EmulatorSettings } from '../../../src/families/family.js';
import { FamilyHarness, PLATFORM, SUB_A } from '../support/family-harness.js';

export const ASYNC_STEP_MS = 3000;
export const THIRTY_DAYS = 30 * 24 * 3600 * 1000;

/** Plaintext payee fields as they reach the handler (the framework decrypted them). */
export const PAYEE_PLAINTEXT = {
  account_name: '甲二级商户有限公司收款户',
  account_number: '6222020202020202020',
  identification_name: '张三丰',
  identification_no: '110101199003070012',
};

export function applyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub_mchid: SUB_A,
    out_request_no: 'P202410241010125346',
    withdraw: 'APPLY_WITHDRAW',
    payee_info: {
      account_type: 'ACCOUNT_TYPE_CORPORATE',
      bank_account_info: {
        account_name: PAYEE_PLAINTEXT.account_name,
        account_bank: '工商银行',
        bank_branch_name: '中国工商银行股份有限公司北京市分行营业部',
        account_number: PAYEE_PLAINTEXT.account_number,
      },
    },
    remark: '注销提现',
    ...overrides,
  };
}

export function personalPayee() {
  return {
    account_type: 'ACCOUNT_TYPE_PERSONAL',
    bank_account_info: {
      account_name: PAYEE_PLAINTEXT.identification_name,
      account_bank: '工商银行',
      account_number: PAYEE_PLAINTEXT.account_number,
    },
    identity_info: {
      id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD',
      identification_name: PAYEE_PLAINTEXT.identification_name,
      identification_no: PAYEE_PLAINTEXT.identification_no,
    },
  };
}

/** The balances every sub-merchant starts with (the family's assumed defaults). */
export const STARTING_ACCOUNTS = [
  { out_account_type: 'BASIC_ACCOUNT', amount: 100000 },
  { out_account_type: 'OPERATE_ACCOUNT', amount: 20000 },
];

export const PROOF = [
  { proof_media_type: 'WITHDRAWAL_APPLICATION', proof_media: 'media-id-of-the-application-letter' },
];

export function cancelHarness(settings: Partial<EmulatorSettings> = {}): FamilyHarness {
  return new FamilyHarness(cancelWithdrawsFamily, { asyncStepMs: ASYNC_STEP_MS, ...settings });
}

export function apply(h: FamilyHarness, overrides: Record<string, unknown> = {}) {
  return h.call('cancelWithdraws.apply', { caller: PLATFORM, body: applyBody(overrides) }).body as {
    applyment_id: string;
    out_request_no: string;
  };
}

export function getById(h: FamilyHarness, applymentId: string) {
  return h.call('cancelWithdraws.getByApplymentId', {
    caller: PLATFORM,
    params: { applyment_id: applymentId },
  }).body as Record<string, unknown>;
}

export function getByNo(h: FamilyHarness, outRequestNo = 'P202410241010125346') {
  return h.call('cancelWithdraws.get', { caller: PLATFORM, params: { out_request_no: outRequestNo } })
    .body as Record<string, unknown>;
}

export function stateOf(h: FamilyHarness, applymentId: string): unknown {
  return getById(h, applymentId)['cancel_state'];
}

export function validate(h: FamilyHarness, subMchid = SUB_A) {
  return h.call('cancelWithdraws.validate', { caller: PLATFORM, params: { sub_mchid: subMchid } })
    .body as Record<string, unknown>;
}

export function confirmBody(
  ids: { applyment_id?: string; out_request_no?: string },
  overrides: Record<string, unknown> = {},
) {
  return {
    ...ids,
    sub_mchid: SUB_A,
    operator_identification: 'id1102',
    confirm_time: '2025-05-20T12:00:05.000+08:00',
    cancel_contract_version: 'V20241213',
    ...overrides,
  };
}

export function confirm(h: FamilyHarness, body: Record<string, unknown>) {
  return h.call('cancelWithdraws.confirm', { caller: PLATFORM, body });
}

export function act(h: FamilyHarness, action: string, applymentId: string, body?: unknown) {
  return h.control(
    'POST',
    `/:mchid/:applyment_id/${action}`,
    { mchid: PLATFORM, applyment_id: applymentId },
    body,
  ).body as Record<string, unknown>;
}

export function setBalances(h: FamilyHarness, subMchid: string, accounts: unknown) {
  return h.control('POST', '/balances/:sub_mchid', { sub_mchid: subMchid }, { accounts }).body as Record<
    string,
    unknown
  >;
}

/** Applies without proof and lets the machine review pass: the application now waits for confirmation. */
export function waitingForConfirmation(h: FamilyHarness, overrides: Record<string, unknown> = {}) {
  const answer = apply(h, overrides);
  h.advanceBy(ASYNC_STEP_MS);
  return answer;
}

/** Applies with proof_medias and lets the machine review hand it over: the application is now REVIEWING. */
export function inReview(h: FamilyHarness, overrides: Record<string, unknown> = {}) {
  const answer = apply(h, { proof_medias: PROOF, ...overrides });
  h.advanceBy(ASYNC_STEP_MS);
  return answer;
}
