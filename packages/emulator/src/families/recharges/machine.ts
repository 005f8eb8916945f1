import { RECHARGE_STATES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { Actor } from '../family.js';
import {
  allowedChannels,
  type NewRecharge,
  type Payment,
  type Recharge,
  type RechargeState,
  returnedAmount,
} from './record.js';

/**
 * The recharge state machine (spec P2.3, seed 003). Pure: the caller supplies time and ids. Every transition of
 * the family is a row of `transitions`; `transition()` refuses anything the table does not allow.
 */

export const states = RECHARGE_STATES;

/** The recharge link is valid for 7 days; afterwards the system closes the order. */
export const RECHARGE_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

/** Seed 003: QR recharge is limited to 5万元 per order (bank transfer to 8亿元, capped by the catalogue schema). */
export const QR_RECHARGE_LIMIT_FEN = 5_000_000;

export const CLOSED_BY_PLATFORM_DESC = '平台商户主动关闭充值单';
export const CLOSED_BY_TIMEOUT_DESC = '超过时间限制，系统自动关闭充值单';

export const EVENT_TYPES = ['apply', 'pay', 'close', 'expire', 'returnFunds'] as const;
export type RechargeEventType = (typeof EVENT_TYPES)[number];

export type RechargeEvent =
  | { type: 'apply'; recharge: NewRecharge }
  | { type: 'pay'; payment: Payment }
  | { type: 'close' }
  | { type: 'expire' }
  | { type: 'returnFunds'; recharge_returned_id: string; amount: number; return_reason: string };

export type RechargeNotifyEvent = 'RECHARGE.SUCCESS' | 'RECHARGE.CLOSED' | 'RECHARGE.FUND_RETURNED';

export interface RechargeTransition {
  /** `null`: the record does not exist yet. */
  readonly from: RechargeState | null;
  readonly to: RechargeState;
  readonly event: RechargeEventType;
  readonly actor: Actor;
  readonly notify?: RechargeNotifyEvent;
  /** Timer rows: how long after entering `from` the timer fires. */
  readonly afterMs?: number;
  /** A repeat of an action that already took effect: the record comes back as it is, nothing is emitted. */
  readonly unchanged?: true;
  readonly note: string;
}

export const transitions: readonly RechargeTransition[] = [
  { from: null, to: 'RECHARGING', event: 'apply', actor: 'merchant', note: 'recharges.apply' },
  {
    from: 'RECHARGING',
    to: 'SUCCESS',
    event: 'pay',
    actor: 'user',
    notify: 'RECHARGE.SUCCESS',
    note: 'the sub-merchant pays through one of available_recharge_channels',
  },
  {
    from: 'RECHARGING',
    to: 'CLOSED',
    event: 'close',
    actor: 'merchant',
    notify: 'RECHARGE.CLOSED',
    note: `recharges.close: ${CLOSED_BY_PLATFORM_DESC}`,
  },
  {
    from: 'CLOSED',
    to: 'CLOSED',
    event: 'close',
    actor: 'merchant',
    unchanged: true,
    note: 'recharges.close again: answers the closed recharge (UNCONFIRMED idempotency)',
  },
  {
    from: 'RECHARGING',
    to: 'CLOSED',
    event: 'expire',
    actor: 'timer',
    afterMs: RECHARGE_VALIDITY_MS,
    notify: 'RECHARGE.CLOSED',
    note: `7 days without payment: ${CLOSED_BY_TIMEOUT_DESC}`,
  },
  {
    from: 'SUCCESS',
    to: 'SUCCESS',
    event: 'returnFunds',
    actor: 'system',
    notify: 'RECHARGE.FUND_RETURNED',
    note: 'the bank returns bank-transfer / online-bank funds; the recharge stays SUCCESS',
  },
];

export interface TransitionContext {
  /** Now, already formatted as WeChat Pay writes times. */
  now: string;
}

function findRow(state: RechargeState | null, event: RechargeEventType): RechargeTransition | undefined {
  return transitions.find((row) => row.from === state && row.event === event);
}

/** Whether the table has a row for this event in the record's state. */
export function allows(recharge: Recharge | undefined, event: RechargeEventType): boolean {
  return findRow(recharge?.recharge_state ?? null, event) !== undefined;
}

function refusal(recharge: Recharge | undefined, event: RechargeEventType): ApiError {
  if (recharge === undefined) return new ApiError(404, 'NOT_FOUND', '充值单不存在');
  const state = recharge.recharge_state;
  const where = `recharge ${recharge.out_recharge_no} is ${state}`;
  if (event === 'apply') {
    return new ApiError(400, 'INVALID_REQUEST', `${where}; out_recharge_no is already used`);
  }
  if (event === 'close' && state === 'SUCCESS') {
    return new ApiError(
      400,
      'INVALID_REQUEST',
      `充值单已充值成功，不能关闭: ${where}; only a RECHARGING recharge can be closed`,
    );
  }
  const allowedIn = transitions
    .filter((row) => row.event === event && row.from !== null)
    .map((row) => row.from);
  return new ApiError(
    400,
    'INVALID_REQUEST',
    `${where}; ${event} is allowed only in ${allowedIn.join(', ')}`,
  );
}

/** The row that applies, or the refusal a caller should see. */
export function rowFor(recharge: Recharge | undefined, event: RechargeEventType): RechargeTransition {
  const row = findRow(recharge?.recharge_state ?? null, event);
  if (!row) throw refusal(recharge, event);
  return row;
}

/** Rows that fire by themselves once a record is in `state`: the timers to schedule on entering it. */
export function timerRowsFrom(state: RechargeState): RechargeTransition[] {
  return transitions.filter((row) => row.from === state && row.actor === 'timer');
}

function pay(recharge: Recharge, payment: Payment, now: string): Recharge {
  const channels = allowedChannels(recharge);
  if (!channels.includes(payment.channel)) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `channel ${payment.channel} is not available for recharge ${recharge.out_recharge_no}`,
      {
        field: '/channel',
        value: payment.channel,
        issue: `available_recharge_channels is [${channels.join(', ')}]`,
        location: 'body',
      },
    );
  }
  if (payment.channel === 'QR_RECHARGE' && recharge.recharge_amount.amount > QR_RECHARGE_LIMIT_FEN) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `扫码充值单笔限额5万元: recharge ${recharge.out_recharge_no} is too large`,
      {
        field: '/channel',
        value: payment.channel,
        issue: `QR_RECHARGE takes at most ${QR_RECHARGE_LIMIT_FEN} fen; this recharge is ${recharge.recharge_amount.amount}`,
        location: 'body',
      },
    );
  }
  const { channel, ...info } = structuredClone(payment);
  return {
    ...recharge,
    ...info,
    recharge_channel: channel,
    recharge_state: 'SUCCESS',
    accept_time: now,
    success_time: now,
  };
}

function returnFunds(
  recharge: Recharge,
  event: Extract<RechargeEvent, { type: 'returnFunds' }>,
  now: string,
): Recharge {
  const remaining = recharge.recharge_amount.amount - returnedAmount(recharge);
  if (remaining === 0) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `all ${recharge.recharge_amount.amount} fen of recharge ${recharge.out_recharge_no} have already been returned`,
    );
  }
  if (!Number.isInteger(event.amount) || event.amount < 1 || event.amount > remaining) {
    throw new ApiError(
      400,
      'PARAM_ERROR',
      `cannot return ${event.amount} fen of recharge ${recharge.out_recharge_no}`,
      {
        field: '/amount',
        value: event.amount,
        issue: `amount must be an integer from 1 to ${remaining} (recharged ${recharge.recharge_amount.amount}, already returned ${returnedAmount(recharge)})`,
        location: 'body',
      },
    );
  }
  const channel = recharge.recharge_channel;
  const infoKey = channel === 'BANK_TRANSFER' ? 'bank_transfer_info' : 'online_bank_recharge_info';
  const info = recharge[infoKey];
  if ((channel !== 'BANK_TRANSFER' && channel !== 'ONLINE_BANK') || !info) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `recharge ${recharge.out_recharge_no} was paid by ${channel}; only BANK_TRANSFER and ONLINE_BANK funds can be returned`,
    );
  }
  const returned = { return_time: now, return_reason: event.return_reason };
  const detail = {
    bank_name: info.bank_name,
    bank_card_tail: info.bank_card_tail,
    bank_account_name: info.bank_account_name,
    amount: event.amount,
    currency: recharge.recharge_amount.currency,
    // Only a bank transfer carries the payer's memo.
    ...('memo' in info ? { memo: info.memo } : {}),
    ...returned,
  };
  return {
    ...recharge,
    [infoKey]: { ...info, ...returned },
    fund_returns: [
      ...recharge.fund_returns,
      { recharge_returned_id: event.recharge_returned_id, recharge_channel: channel, detail },
    ],
  };
}

/**
 * The next record for `event`, or an ApiError when the table (or a guard of the row) refuses it. For `apply`
 * pass `undefined` as the record.
 */
export function transition(
  recharge: Recharge | undefined,
  event: RechargeEvent,
  context: TransitionContext,
): Recharge {
  const row = rowFor(recharge, event.type);
  if (event.type === 'apply') {
    return { ...structuredClone(event.recharge), recharge_state: row.to, fund_returns: [] };
  }
  // Every other row starts from an existing record (rowFor refused otherwise).
  const current = recharge!;
  if (row.unchanged) return current;
  switch (event.type) {
    case 'pay':
      return pay(current, event.payment, context.now);
    case 'close':
      return {
        ...current,
        recharge_state: row.to,
        recharge_state_desc: CLOSED_BY_PLATFORM_DESC,
        close_time: context.now,
      };
    case 'expire':
      return {
        ...current,
        recharge_state: row.to,
        recharge_state_desc: CLOSED_BY_TIMEOUT_DESC,
        close_time: context.now,
      };
    case 'returnFunds':
      return returnFunds(current, event, context.now);
  }
}
