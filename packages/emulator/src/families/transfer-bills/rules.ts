import { ApiError } from '../../wire/api-error.js';
import { bodyParamError } from '../shared/param-error.js';
import { checkTransferSceneEnabled } from '../shared/transfer-scene.js';
import type { PayerRules } from './store.js';

/**
 * The documented business rules a new transfer must pass before it is accepted, as pure functions: the quotas of
 * the paying merchant [DOC 4013747667], its enabled scenes, the red-packet ceiling [DOC 4012716434] and the
 * user_name floor [FAQ 4013778940]. The caller reads the merchant's settings and usage and passes them in.
 */

/** Default limits in fen of a merchant that is not an individual business (非个体户) [DOC 4013747667]. */
export const DEFAULT_QUOTAS = {
  /** 单笔限额 200 CNY (adjustable 0.1–200, higher on application). */
  perTransfer: 20_000,
  /** 单用户转账限额: per user per natural day, 2,000 CNY. */
  perUserPerDay: 200_000,
  /** 单日转账额度 50,000 CNY. */
  perDay: 5_000_000,
  /** 单月转账额度 30,000,000 CNY. */
  perMonth: 3_000_000_000,
} as const;

export type QuotaName = keyof typeof DEFAULT_QUOTAS;
export const QUOTA_NAMES = Object.keys(DEFAULT_QUOTAS) as QuotaName[];

/** 单笔转账最低额度为0.1元 [FAQ 4013778940]. */
export const MIN_TRANSFER_AMOUNT = 10;
/** RED_PACKET: 单笔金额需小于等于200元 [DOC 4012716434]. */
export const RED_PACKET_MAX_AMOUNT = 20_000;
/** 0.3元以下不允许输入姓名校验 [FAQ 4013778940]. */
export const USER_NAME_MIN_AMOUNT = 30;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const BEIJING_OFFSET_MS = 8 * HOUR_MS;

/** The natural day (Beijing time) holding `ms`, as [from, to): limits reset at 0:00 [FAQ 4013778940]. */
export function beijingDay(ms: number): [number, number] {
  const from = Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
  return [from, from + DAY_MS];
}

/** The natural month (Beijing time) holding `ms`, as [from, to). */
export function beijingMonth(ms: number): [number, number] {
  const local = new Date(ms + BEIJING_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  return [Date.UTC(year, month, 1) - BEIJING_OFFSET_MS, Date.UTC(year, month + 1, 1) - BEIJING_OFFSET_MS];
}

export function quotasOf(rules: PayerRules): Record<QuotaName, number> {
  return {
    perTransfer: rules.perTransfer ?? DEFAULT_QUOTAS.perTransfer,
    perUserPerDay: rules.perUserPerDay ?? DEFAULT_QUOTAS.perUserPerDay,
    perDay: rules.perDay ?? DEFAULT_QUOTAS.perDay,
    perMonth: rules.perMonth ?? DEFAULT_QUOTAS.perMonth,
  };
}

export interface NewTransfer {
  transferAmount: number;
  transferSceneId: string;
  userName?: string | undefined;
  recvStyle?: string | undefined;
}

/** What the paying merchant's bills already add up to (fen), in the windows the quotas count. */
export interface QuotaUsage {
  userToday: number;
  today: number;
  thisMonth: number;
}

/** Rules that depend on the request alone (and the merchant's enabled scenes). */
export function checkTransferRequest(
  transfer: NewTransfer,
  enabledScenes: readonly string[],
  payerMchid: string,
): void {
  // No page states a minimum, so the catalogue does not; a transfer of nothing is refused here.
  if (transfer.transferAmount < 1) {
    throw bodyParamError(
      '/transfer_amount',
      transfer.transferAmount,
      '转账金额不能小于1分 (must be at least 1 fen)',
    );
  }
  checkTransferSceneEnabled(transfer.transferSceneId, payerMchid, enabledScenes);
  if (transfer.recvStyle === 'RED_PACKET' && transfer.transferAmount > RED_PACKET_MAX_AMOUNT) {
    throw bodyParamError(
      '/transfer_amount',
      transfer.transferAmount,
      `红包样式单笔金额需小于等于200元 (user_recv_style RED_PACKET allows at most ${RED_PACKET_MAX_AMOUNT} fen)`,
    );
  }
  if (transfer.userName !== undefined && transfer.transferAmount < USER_NAME_MIN_AMOUNT) {
    throw bodyParamError(
      '/user_name',
      '(encrypted)',
      `0.3元以下不允许输入姓名校验 (user_name is not allowed below ${USER_NAME_MIN_AMOUNT} fen)`,
    );
  }
}

function overQuota(what: string, detail: string): ApiError {
  return new ApiError(400, 'INVALID_REQUEST', `${what}，核实产品设置是否准确 (${detail})`);
}

/**
 * 单用户转账限额: whether `amount` more would take one user past the payer's per-user daily quota, given what the
 * payer's bills already send that user that day. Checked at create, or at the confirmation of a bill that names
 * no user until then (A4 without openid).
 */
export function exceedsUserDailyQuota(amount: number, rules: PayerRules, userToday: number): boolean {
  return userToday + amount > quotasOf(rules).perUserPerDay;
}

/** The four quotas of the paying merchant, given what its bills already use. */
export function checkQuotas(transfer: NewTransfer, rules: PayerRules, usage: QuotaUsage): void {
  const q = quotasOf(rules);
  const amount = transfer.transferAmount;
  if (amount < MIN_TRANSFER_AMOUNT || amount > q.perTransfer) {
    throw overQuota(
      '超过单笔转账上下限',
      `transfer_amount ${amount} fen is outside ${MIN_TRANSFER_AMOUNT}–${q.perTransfer} fen`,
    );
  }
  if (exceedsUserDailyQuota(amount, rules, usage.userToday)) {
    throw overQuota(
      '超过单日向单用户转账额度',
      `${usage.userToday} fen already transferred to this user today, the limit is ${q.perUserPerDay} fen`,
    );
  }
  if (usage.today + amount > q.perDay) {
    throw overQuota(
      '超过单日转账额度',
      `${usage.today} fen already transferred today, the limit is ${q.perDay} fen`,
    );
  }
  if (usage.thisMonth + amount > q.perMonth) {
    throw overQuota(
      '超过单月转账额度',
      `${usage.thisMonth} fen already transferred this month, the limit is ${q.perMonth} fen`,
    );
  }
}
