import type {
  CANCEL_STATES,
  OUT_ACCOUNT_TYPES,
  WITHDRAW_OPTIONS,
  WITHDRAW_STATES,
} from '@wxpay-kit/sdk/catalogue';
import { pickDefined } from '../shared/defined.js';

/**
 * The stored shape of a cancellation application (电商收付通 · 二级商户注销提现) and its wire views. The payee's
 * names and numbers arrive decrypted but are never stored in plaintext: only a digest (for idempotency) and a
 * summary without names survive the request.
 */

export type CancelState = (typeof CANCEL_STATES)[number];
export type OutAccountType = (typeof OUT_ACCOUNT_TYPES)[number];
export type WithdrawOption = (typeof WITHDRAW_OPTIONS)[number];
export type WithdrawState = (typeof WITHDRAW_STATES)[number];
export type PayState = 'PAY_PROCESSING' | 'PAY_SUCCEED' | 'PAY_FAIL' | 'BANK_REFUNDED';

export interface AccountBalance {
  out_account_type: OutAccountType;
  /** fen */
  amount: number;
}

export interface AccountWithdrawResult {
  out_account_type: OutAccountType;
  pay_state: PayState;
  state_description: string;
}

/** The payee account without the encrypted fields: enough to inspect, nothing to leak. */
export interface PayeeSummary {
  account_type: string;
  account_bank: string;
  bank_branch_id?: string;
  bank_branch_name?: string;
  account_number_tail: string;
  id_doc_type?: string;
}

/** The confirm content (`cancelWithdraws.confirm`) or the staff member's QR scan. */
export type Confirmation =
  | {
      by: 'platform';
      operator_identification: string;
      confirm_time: string;
      cancel_contract_version: string;
      confirmed_at: string;
    }
  | { by: 'staff'; confirmed_at: string };

export type PlatformConfirmContent = Omit<Extract<Confirmation, { by: 'platform' }>, 'by' | 'confirmed_at'>;

export interface CancelWithdraw {
  applyment_id: string;
  out_request_no: string;
  sub_mchid: string;
  cancel_state: CancelState;
  cancel_state_description: string;
  /** Echo of the apply request; absent when the platform left it out (which means cancel only). */
  withdraw?: WithdrawOption;
  withdraw_state?: WithdrawState;
  withdraw_state_description?: string;
  account_withdraw_result?: AccountWithdrawResult[];
  modify_time: string;
  /** Balances: at apply for withdraw applications, then what fund processing paid out. */
  account_info?: AccountBalance[];
  // Internal from here on.
  sp_mchid: string;
  /** With proof_medias, or a repeat withdrawal after cancellation: a person reviews (REVIEWING). */
  manual_review: boolean;
  /** The sub-merchant was already cancelled at apply: only its remaining funds are at stake. */
  repeat_withdrawal: boolean;
  confirm_token: string;
  payee?: PayeeSummary;
  proof_medias?: { proof_media_type: string; proof_media: string }[];
  additional_materials?: string[];
  remark?: string;
  confirmation?: Confirmation;
  reject_reason?: string;
}

export type NewCancelWithdraw = Omit<
  CancelWithdraw,
  | 'cancel_state'
  | 'cancel_state_description'
  | 'modify_time'
  | 'withdraw_state'
  | 'withdraw_state_description'
  | 'account_withdraw_result'
  | 'confirmation'
  | 'reject_reason'
>;

/** Where the sub-merchant's staff confirms (UNCONFIRMED: the real page address is not documented). */
export const CONFIRM_CANCEL_PAGE = 'https://pay.weixin.qq.com/ecommerce/cancel-withdraw/confirm.html';

export function wantsWithdrawal(application: Pick<CancelWithdraw, 'withdraw'>): boolean {
  return application.withdraw === 'APPLY_WITHDRAW';
}

// The spec's entity table order; absent optional fields are omitted.
const ENTITY_FIELDS = [
  'applyment_id',
  'out_request_no',
  'sub_mchid',
  'cancel_state',
  'cancel_state_description',
  'withdraw',
  'withdraw_state',
  'withdraw_state_description',
  'account_withdraw_result',
  'modify_time',
  'account_info',
] as const satisfies readonly (keyof CancelWithdraw)[];

/** The application entity of `cancelWithdraws.get` / `getByApplymentId`. */
export function toEntity(application: CancelWithdraw): Record<string, unknown> {
  const entity = pickDefined(application, ENTITY_FIELDS);
  if (application.cancel_state === 'WAITING_MERCHANT_CONFIRM') {
    entity['confirm_cancel'] = {
      confirm_cancel_url: `${CONFIRM_CANCEL_PAGE}?token=${application.confirm_token}`,
    };
  }
  return entity;
}

/** The control API's view: the entity plus what the API never shows. */
export function inspectView(application: CancelWithdraw): Record<string, unknown> {
  const { confirm_token: _token, ...internal } = application;
  return { ...toEntity(application), ...structuredClone(internal) };
}
