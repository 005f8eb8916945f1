import { CANCEL_STATES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { Actor } from '../family.js';
import {
  type AccountBalance,
  type AccountWithdrawResult,
  type CancelState,
  type CancelWithdraw,
  type NewCancelWithdraw,
  type PlatformConfirmContent,
  wantsWithdrawal,
} from './record.js';

/**
 * The cancellation-with-withdrawal state machine (spec P2.4, diagram of DOC 4018153750). Pure: the caller supplies
 * time and balances. Every edge is a row below; where the diagram draws two edges for one event (approval, the
 * step after CANCELED), a named guard on the record picks the row.
 *
 * Without proof_medias the machine review passes by itself: ACCEPTED → WAITING_MERCHANT_CONFIRM, the diagram's
 * direct edge. With proof_medias (or for a repeat withdrawal of an already cancelled sub-merchant) a person
 * reviews: ACCEPTED → REVIEWING, then approve / reject through the control API.
 */

export const states = CANCEL_STATES;

/** Approved applications the merchant has not confirmed for 30 days are revoked. */
export const CONFIRM_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** States after the merchant's confirmation: confirming again is "无需确认" (seed 002, 403 RULE_LIMIT). */
export const PAST_CONFIRMATION: readonly CancelState[] = [
  'SYSTEM_PROCESSING',
  'CANCELED',
  'FUND_PROCESSING',
  'FINISH',
];

/** States in which an application still blocks a new one for the same sub-merchant. */
export const IN_PROGRESS: readonly CancelState[] = [
  'ACCEPTED',
  'REVIEWING',
  'WAITING_MERCHANT_CONFIRM',
  'SYSTEM_PROCESSING',
  'CANCELED',
  'FUND_PROCESSING',
];

/** States in which the sub-merchant's merchant number is cancelled. */
export const MERCHANT_CANCELLED: readonly CancelState[] = ['CANCELED', 'FUND_PROCESSING', 'FINISH'];

export const STATE_DESCRIPTIONS: Record<CancelState, string> = {
  ACCEPTED: '注销申请已受理',
  REVIEWING: '注销申请审核中',
  REJECTED: '注销申请审核驳回',
  WAITING_MERCHANT_CONFIRM: '待商户确认注销，请二级商户超级管理员扫码确认，或由平台代商户确认',
  REVOKED: '超过30天商户未确认注销，申请单已撤销',
  SYSTEM_PROCESSING: '系统处理中',
  CANCELED: '商户号已注销',
  FUND_PROCESSING: '注销完成，资金处理中',
  FINISH: '注销已完成',
};

export const DEFAULT_WITHDRAW_FAIL_REASON = '银行退票，请核实收款账户信息';

export const EVENT_TYPES = [
  'apply',
  'review',
  'approve',
  'reject',
  'confirm',
  'staffConfirm',
  'revoke',
  'cancelMerchant',
  'settle',
  'withdrawSucceed',
  'withdrawFail',
  'payOut',
] as const;
export type CancelWithdrawEventType = (typeof EVENT_TYPES)[number];

export type CancelWithdrawEvent =
  | { type: 'apply'; application: NewCancelWithdraw }
  | { type: 'review' }
  /** `balances`: the sub-merchant's balances now, paid out if approval leads straight to fund processing. */
  | { type: 'approve'; balances: AccountBalance[] }
  | { type: 'reject'; reason: string }
  | { type: 'confirm'; confirmation: PlatformConfirmContent }
  | { type: 'staffConfirm' }
  | { type: 'revoke' }
  | { type: 'cancelMerchant' }
  | { type: 'settle'; balances: AccountBalance[] }
  | { type: 'withdrawSucceed' }
  | { type: 'withdrawFail'; reason: string }
  | { type: 'payOut' };

/** The platform's confirmation again, with exactly the content it was accepted with. */
function sameConfirmation(a: CancelWithdraw, event?: CancelWithdrawEvent): boolean {
  const previous = a.confirmation;
  if (event?.type !== 'confirm' || previous?.by !== 'platform') return false;
  const content = event.confirmation;
  return (
    previous.operator_identification === content.operator_identification &&
    previous.confirm_time === content.confirm_time &&
    previous.cancel_contract_version === content.cancel_contract_version
  );
}

const guardTable = {
  manualReview: (a: CancelWithdraw) => a.manual_review,
  machineReview: (a: CancelWithdraw) => !a.manual_review,
  notYetCancelled: (a: CancelWithdraw) => !a.repeat_withdrawal,
  repeatWithdrawal: (a: CancelWithdraw) => a.repeat_withdrawal,
  withdraw: (a: CancelWithdraw) => wantsWithdrawal(a),
  cancelOnly: (a: CancelWithdraw) => !wantsWithdrawal(a),
  sameConfirmation,
};
export type GuardName = keyof typeof guardTable;
/** Conditions on the application (and, for a request, on what it asks) that pick one row among several. */
export const guards: Readonly<
  Record<GuardName, (a: CancelWithdraw, event?: CancelWithdrawEvent) => boolean>
> = guardTable;

export interface CancelWithdrawTransition {
  /** `null`: the application does not exist yet. */
  readonly from: CancelState | null;
  readonly to: CancelState;
  readonly event: CancelWithdrawEventType;
  readonly actor: Actor;
  /** When the diagram draws several edges for the event: the condition on the application for this one. */
  readonly guard?: GuardName;
  /** Timer rows: when the timer fires after entering `from` (`asyncStep`: the emulator's asyncStepMs). */
  readonly after?: number | 'asyncStep';
  /** Reaching `to` by this row pays the withdrawn amounts out of the sub-merchant's balances. */
  readonly debitsBalances?: true;
  /** A repeat of a request that already took effect: the application comes back as it is, nothing changes. */
  readonly unchanged?: true;
  readonly note: string;
}

/**
 * The documented idempotency of cancelWithdraws.confirm [DOC 4018153750]: the platform's confirmation sent again
 * with the same content succeeds again in every state it can have led to. Other content is 403 RULE_LIMIT there.
 */
const repeatedConfirmation = (state: CancelState): CancelWithdrawTransition => ({
  from: state,
  to: state,
  event: 'confirm',
  actor: 'merchant',
  guard: 'sameConfirmation',
  unchanged: true,
  note: 'cancelWithdraws.confirm again with the same content: answered as before, nothing changes',
});

export const transitions: readonly CancelWithdrawTransition[] = [
  { from: null, to: 'ACCEPTED', event: 'apply', actor: 'merchant', note: 'cancelWithdraws.apply' },
  {
    from: 'ACCEPTED',
    to: 'REVIEWING',
    event: 'review',
    actor: 'timer',
    guard: 'manualReview',
    after: 'asyncStep',
    note: 'proof_medias (or a repeat withdrawal) need a person to review',
  },
  {
    from: 'ACCEPTED',
    to: 'WAITING_MERCHANT_CONFIRM',
    event: 'review',
    actor: 'timer',
    guard: 'machineReview',
    after: 'asyncStep',
    note: 'machine review passes within seconds; the merchant must now confirm its intent',
  },
  { from: 'REVIEWING', to: 'REJECTED', event: 'reject', actor: 'system', note: 'review rejected (terminal)' },
  {
    from: 'REVIEWING',
    to: 'SYSTEM_PROCESSING',
    event: 'approve',
    actor: 'system',
    guard: 'notYetCancelled',
    note: 'approved, the merchant number needs cancelling',
  },
  {
    from: 'REVIEWING',
    to: 'FUND_PROCESSING',
    event: 'approve',
    actor: 'system',
    guard: 'repeatWithdrawal',
    note: 'approved repeat withdrawal: the merchant number is already cancelled',
  },
  {
    from: 'WAITING_MERCHANT_CONFIRM',
    to: 'SYSTEM_PROCESSING',
    event: 'confirm',
    actor: 'merchant',
    note: 'cancelWithdraws.confirm: the platform confirms on behalf of the sub-merchant',
  },
  {
    from: 'WAITING_MERCHANT_CONFIRM',
    to: 'SYSTEM_PROCESSING',
    event: 'staffConfirm',
    actor: 'user',
    note: 'a staff member of the sub-merchant scans confirm_cancel_url',
  },
  {
    from: 'WAITING_MERCHANT_CONFIRM',
    to: 'REVOKED',
    event: 'revoke',
    actor: 'timer',
    after: CONFIRM_WINDOW_MS,
    note: 'not confirmed within 30 days (terminal)',
  },
  {
    from: 'SYSTEM_PROCESSING',
    to: 'CANCELED',
    event: 'cancelMerchant',
    actor: 'timer',
    after: 'asyncStep',
    note: 'the merchant number is cancelled (not terminal)',
  },
  {
    from: 'CANCELED',
    to: 'FUND_PROCESSING',
    event: 'settle',
    actor: 'timer',
    guard: 'withdraw',
    after: 'asyncStep',
    note: 'APPLY_WITHDRAW: balances are paid out, withdraw_state WITHDRAW_PROCESSING',
  },
  {
    from: 'CANCELED',
    to: 'FINISH',
    event: 'settle',
    actor: 'timer',
    guard: 'cancelOnly',
    after: 'asyncStep',
    note: 'NOT_APPLY_WITHDRAW (or no withdraw): done',
  },
  {
    from: 'FUND_PROCESSING',
    to: 'FINISH',
    event: 'payOut',
    actor: 'timer',
    after: 'asyncStep',
    debitsBalances: true,
    note: 'the payouts succeed by themselves: WITHDRAW_SUCCEED',
  },
  {
    from: 'FUND_PROCESSING',
    to: 'FINISH',
    event: 'withdrawSucceed',
    actor: 'system',
    debitsBalances: true,
    note: 'the payouts succeed now: WITHDRAW_SUCCEED',
  },
  {
    from: 'FUND_PROCESSING',
    to: 'FINISH',
    event: 'withdrawFail',
    actor: 'system',
    note: 'the payouts fail: WITHDRAW_EXCEPTION, balances stay',
  },
  repeatedConfirmation('SYSTEM_PROCESSING'),
  repeatedConfirmation('CANCELED'),
  repeatedConfirmation('FUND_PROCESSING'),
  repeatedConfirmation('FINISH'),
];

export interface TransitionContext {
  /** Now, already formatted as WeChat Pay writes times. */
  now: string;
}

function candidates(state: CancelState | null, event: CancelWithdrawEventType): CancelWithdrawTransition[] {
  return transitions.filter((row) => row.from === state && row.event === event);
}

function pick(
  application: CancelWithdraw | undefined,
  type: CancelWithdrawEventType,
  event?: CancelWithdrawEvent,
) {
  return candidates(application?.cancel_state ?? null, type).find(
    (row) => row.guard === undefined || (application !== undefined && guards[row.guard](application, event)),
  );
}

/**
 * Whether the table has a row for this event in the application's state (and its guard holds). Guards that
 * read the event's content hold only when the event is given.
 */
export function allows(
  application: CancelWithdraw | undefined,
  type: CancelWithdrawEventType,
  event?: CancelWithdrawEvent,
): boolean {
  return pick(application, type, event) !== undefined;
}

function refusal(application: CancelWithdraw | undefined, event: CancelWithdrawEventType): ApiError {
  if (application === undefined) return new ApiError(404, 'NOT_FOUND', '申请单不存在');
  const state = application.cancel_state;
  const where = `application ${application.applyment_id} (out_request_no ${application.out_request_no}) is ${state}`;
  if (event === 'confirm') {
    if (PAST_CONFIRMATION.includes(state)) {
      return new ApiError(403, 'RULE_LIMIT', `无需确认: ${where}; it is already past merchant confirmation`);
    }
    return new ApiError(
      400,
      'NO_AUTH',
      `请求非法: ${where}, not WAITING_MERCHANT_CONFIRM; only an application waiting for merchant confirmation can be confirmed`,
    );
  }
  if (event === 'apply')
    return new ApiError(400, 'ALREADY_EXISTS', `${where}; out_request_no is already used`);
  const allowedIn = [...new Set(transitions.filter((row) => row.event === event).map((row) => row.from))];
  return new ApiError(
    400,
    'INVALID_REQUEST',
    `${where}; ${event} is allowed only in ${allowedIn.join(', ')}`,
  );
}

/** The row that applies, or the refusal a caller should see. */
export function rowFor(
  application: CancelWithdraw | undefined,
  type: CancelWithdrawEventType,
  event?: CancelWithdrawEvent,
): CancelWithdrawTransition {
  const row = pick(application, type, event);
  if (!row) throw refusal(application, type);
  return row;
}

/** The timer events to schedule on entering the application's current state (guards already applied). */
export function timerRowsFor(application: CancelWithdraw): CancelWithdrawTransition[] {
  const rows = transitions.filter(
    (row) =>
      row.from === application.cancel_state &&
      row.actor === 'timer' &&
      (row.guard === undefined || guards[row.guard](application)),
  );
  return rows.filter((row, i) => rows.findIndex((other) => other.event === row.event) === i);
}

function enter(application: CancelWithdraw, to: CancelState, now: string): CancelWithdraw {
  return {
    ...application,
    cancel_state: to,
    cancel_state_description: STATE_DESCRIPTIONS[to],
    modify_time: now,
  };
}

/** Fund processing starts: one payout per account that holds money. */
function startPayout(application: CancelWithdraw, balances: AccountBalance[]): CancelWithdraw {
  const paid = balances.filter((b) => b.amount > 0).map((b) => ({ ...b }));
  return {
    ...application,
    withdraw_state: 'WITHDRAW_PROCESSING',
    withdraw_state_description: '提现处理中',
    account_info: paid,
    account_withdraw_result: paid.map((b) => ({
      out_account_type: b.out_account_type,
      pay_state: 'PAY_PROCESSING',
      state_description: '出款处理中',
    })),
  };
}

function finishPayout(application: CancelWithdraw, failure: string | undefined): CancelWithdraw {
  const results: AccountWithdrawResult[] = (application.account_withdraw_result ?? []).map((r) =>
    failure === undefined
      ? { ...r, pay_state: 'PAY_SUCCEED', state_description: '出款成功' }
      : { ...r, pay_state: 'PAY_FAIL', state_description: `出款失败：${failure}` },
  );
  return {
    ...application,
    withdraw_state: failure === undefined ? 'WITHDRAW_SUCCEED' : 'WITHDRAW_EXCEPTION',
    withdraw_state_description: failure === undefined ? '提现成功' : `提现异常：${failure}`,
    account_withdraw_result: results,
  };
}

/**
 * The next application for `event`, or an ApiError when the table refuses it. For `apply` pass `undefined`.
 */
export function transition(
  application: CancelWithdraw | undefined,
  event: CancelWithdrawEvent,
  context: TransitionContext,
): CancelWithdraw {
  const row = rowFor(application, event.type, event);
  const now = context.now;
  if (row.unchanged) return application!;
  if (event.type === 'apply') {
    return {
      ...structuredClone(event.application),
      cancel_state: row.to,
      cancel_state_description: STATE_DESCRIPTIONS[row.to],
      modify_time: now,
    };
  }
  // rowFor refused every other event without an application.
  const next = enter(application!, row.to, now);
  switch (event.type) {
    case 'reject':
      return {
        ...next,
        reject_reason: event.reason,
        cancel_state_description: `注销申请审核驳回：${event.reason}`,
      };
    case 'confirm':
      return { ...next, confirmation: { by: 'platform', ...event.confirmation, confirmed_at: now } };
    case 'staffConfirm':
      return { ...next, confirmation: { by: 'staff', confirmed_at: now } };
    case 'approve':
    case 'settle':
      return row.to === 'FUND_PROCESSING' ? startPayout(next, event.balances) : next;
    case 'withdrawSucceed':
    case 'payOut':
      return finishPayout(next, undefined);
    case 'withdrawFail':
      return finishPayout(next, event.reason);
    case 'review':
    case 'revoke':
    case 'cancelMerchant':
      return next;
  }
}
