import {
  RECHARGE_CHANNELS,
  type RECHARGE_SCENE_ACCOUNT_TYPES,
  type RECHARGE_SCENES,
  type RECHARGE_STATES,
} from '@wxpay-kit/sdk/catalogue';
import { pickDefined } from '../shared/defined.js';
/**
 * The stored shape of a recharge (平台收付通 · 二级商户充值) and its wire views. Wire field names stay as WeChat Pay
 * spells them; the internal fields (`notify_url`, `remark`, `recharge_url`, `fund_returns`) never reach a query.
 */

export type RechargeState = (typeof RECHARGE_STATES)[number];
export type RechargeChannel = (typeof RECHARGE_CHANNELS)[number];
export type RechargeScene = (typeof RECHARGE_SCENES)[number];
export type AccountType = (typeof RECHARGE_SCENE_ACCOUNT_TYPES)[RechargeScene];

export const EMPLOYEE_TYPES = ['ADMIN', 'STAFF', 'LEGAL_PERSON'] as const;
export const ONLINE_BANK_TYPES = ['ONLINE_BANK_TYPE_CORPORATE', 'ONLINE_BANK_TYPE_PERSONAL'] as const;

export interface Amount {
  amount: number;
  currency: string;
}

export interface BankTransferInfo {
  bill_no: string;
  memo: string;
  return_time?: string;
  return_reason?: string;
  bank_name: string;
  bank_card_tail: string;
  bank_account_name: string;
}

export interface QrRechargeInfo {
  openid: string;
  employee_type: (typeof EMPLOYEE_TYPES)[number];
}

export interface OnlineBankRechargeInfo {
  bill_no: string;
  return_time?: string;
  return_reason?: string;
  bank_name: string;
  online_bank_type: (typeof ONLINE_BANK_TYPES)[number];
  bank_card_tail: string;
  bank_account_name: string;
}

/** How the payer paid: the channel and that channel's info object, complete. */
export type Payment =
  | { channel: 'BANK_TRANSFER'; bank_transfer_info: BankTransferInfo }
  | { channel: 'QR_RECHARGE'; qr_recharge_info: QrRechargeInfo }
  | { channel: 'ONLINE_BANK'; online_bank_recharge_info: OnlineBankRechargeInfo };

/** One return of funds (RECHARGE.FUND_RETURNED), as its notification's `detail` describes it. */
export interface FundReturn {
  recharge_returned_id: string;
  recharge_channel: 'BANK_TRANSFER' | 'ONLINE_BANK';
  detail: {
    bank_name: string;
    bank_card_tail: string;
    bank_account_name: string;
    amount: number;
    currency: string;
    memo?: string;
    return_time: string;
    return_reason: string;
  };
}

export interface Recharge {
  sp_mchid: string;
  sub_mchid: string;
  recharge_id: string;
  out_recharge_no: string;
  recharge_channel?: RechargeChannel;
  account_type: AccountType;
  recharge_state: RechargeState;
  recharge_scene: RechargeScene;
  recharge_state_desc?: string;
  recharge_amount: Amount;
  bank_transfer_info?: BankTransferInfo;
  qr_recharge_info?: QrRechargeInfo;
  online_bank_recharge_info?: OnlineBankRechargeInfo;
  accept_time?: string;
  success_time?: string;
  close_time?: string;
  /** Echoed only when the apply request named channels (the field is "the list passed at apply"). */
  available_recharge_channels?: RechargeChannel[];
  notify_url?: string;
  remark?: string;
  recharge_url: string;
  fund_returns: FundReturn[];
}

/** What apply contributes; everything else starts absent. */
export type NewRecharge = Omit<
  Recharge,
  | 'recharge_state'
  | 'recharge_channel'
  | 'recharge_state_desc'
  | 'bank_transfer_info'
  | 'qr_recharge_info'
  | 'online_bank_recharge_info'
  | 'accept_time'
  | 'success_time'
  | 'close_time'
  | 'fund_returns'
>;

/** Channels the payer may use: the apply list, or all three when the platform named none. */
export function allowedChannels(recharge: Recharge): readonly RechargeChannel[] {
  return recharge.available_recharge_channels ?? RECHARGE_CHANNELS;
}

/** Sum of all returns so far, in fen. */
export function returnedAmount(recharge: Recharge): number {
  return recharge.fund_returns.reduce((sum, r) => sum + r.detail.amount, 0);
}

// Seed 003's field order; absent optional fields are omitted rather than sent as null.
const ENTITY_FIELDS = [
  'sp_mchid',
  'sub_mchid',
  'recharge_id',
  'out_recharge_no',
  'recharge_channel',
  'account_type',
  'recharge_state',
  'recharge_scene',
  'recharge_state_desc',
  'recharge_amount',
  'bank_transfer_info',
  'qr_recharge_info',
  'online_bank_recharge_info',
  'accept_time',
  'success_time',
  'close_time',
  'available_recharge_channels',
] as const satisfies readonly (keyof Recharge)[];

/** The recharge entity of `recharges.get` / `recharges.close` (seed 003). */
export function toEntity(recharge: Recharge): Record<string, unknown> {
  return pickDefined(recharge, ENTITY_FIELDS);
}

/** The plaintext of RECHARGE.SUCCESS / RECHARGE.CLOSED: the entity plus the apply `remark` (spec P2.3). */
export function toNotificationResource(recharge: Recharge): Record<string, unknown> {
  const resource = toEntity(recharge);
  if (recharge.remark !== undefined) resource['remark'] = recharge.remark;
  return resource;
}

/** The plaintext of RECHARGE.FUND_RETURNED: which recharge, which return, and the return's detail. */
export function toFundReturnedResource(recharge: Recharge, fundReturn: FundReturn): Record<string, unknown> {
  return {
    sp_mchid: recharge.sp_mchid,
    sub_mchid: recharge.sub_mchid,
    recharge_id: recharge.recharge_id,
    out_recharge_no: recharge.out_recharge_no,
    recharge_returned_id: fundReturn.recharge_returned_id,
    recharge_channel: fundReturn.recharge_channel,
    detail: structuredClone(fundReturn.detail),
  };
}

/** `recharges.apply`'s answer, also for an idempotent repeat. */
export function toApplyResponse(recharge: Recharge): Record<string, unknown> {
  return {
    recharge_id: recharge.recharge_id,
    out_recharge_no: recharge.out_recharge_no,
    recharge_url: recharge.recharge_url,
  };
}
