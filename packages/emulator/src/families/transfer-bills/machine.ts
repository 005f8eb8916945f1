import { TRANSFER_BILL_STATES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { Actor } from '../family.js';

/**
 * 商家转账单 (spec P2.2, official dev-guide diagram): every state and every transition of a bill, in one table, for
 * both wire faces (普通商户 and 服务商) and both modes: user-confirm (T1/P1, and A4 which may also ask for an
 * authorization) and authorized (A5: the user agreed once, so no confirm page). Pure: time, balances and reasons
 * arrive in the event or as `now`.
 */

export const states = TRANSFER_BILL_STATES;
export type TransferBillState = (typeof TRANSFER_BILL_STATES)[number];
export const terminalStates: readonly TransferBillState[] = ['SUCCESS', 'FAIL', 'CANCELLED'];

export const FINISHED_EVENT = 'MCHTRANSFER.BILL.FINISHED';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The user must confirm receipt within 24 h; a bill short of funds for over 24 h fails too. */
export const CONFIRM_WINDOW_MS = DAY_MS;
export const FUNDS_WAIT_MS = DAY_MS;

/** The part of a stored bill the machine reads and writes. Times are epoch ms. */
export interface TransferBillMachineRecord {
  outBillNo: string;
  state: TransferBillState;
  transferAmount: number;
  /**
   * The receiving user. An A4 bill created with `authorization_info` and no openid names none until a user
   * confirms it on the confirm page: that user receives the transfer [DOC 4014399293].
   */
  openid?: string | undefined;
  failReason?: string | undefined;
  /** The amount is held on the paying sub-merchant's balance (from WAIT_USER_CONFIRM until released or paid). */
  fundsLocked: boolean;
  /** When a lock attempt first found the balance short (PROCESSING only). */
  fundsShortSince?: number | undefined;
  updateTime: number;
  /** Created by A5 under an authorization in force: the funds go out without a confirm page. */
  authorized?: boolean | undefined;
  /** Created by A4 with `authorization_info`: the confirm page also offers the authorization. */
  offersAuthorization?: boolean | undefined;
}

export type TransferBillEvent =
  | { type: 'accept' }
  | { type: 'lockFunds'; available: number }
  | { type: 'fundsOverdue' }
  | UserConfirmEvent
  | (Omit<UserConfirmEvent, 'type'> & { type: 'userConfirmAndAuthorize' })
  | { type: 'confirmOverdue' }
  | { type: 'payout' }
  | { type: 'fail'; reason: string }
  | { type: 'cancel' }
  | { type: 'finishCancel' };

/**
 * The user confirms on the confirm page. `openid` names the user when the bill named none (A4 without openid);
 * `overUserQuota`: this bill would take that user past the payer's per-user daily quota, which could not be checked
 * at create because no user was known (the caller measures it).
 */
export interface UserConfirmEvent {
  type: 'userConfirm';
  openid?: string | undefined;
  overUserQuota?: boolean | undefined;
}

export type TransferBillEventName = TransferBillEvent['type'];

/** A timer a transition starts; its kind is also the event it delivers when it fires. */
export interface ScheduledStep {
  kind: Extract<
    TransferBillEventName,
    'accept' | 'lockFunds' | 'fundsOverdue' | 'confirmOverdue' | 'payout' | 'finishCancel'
  >;
  /** `asyncStep`: the configurable delay of WeChat Pay's own processing (settings.asyncStepMs). */
  after: 'asyncStep' | number;
}

/** `lock`: hold the amount; `release`: give a held amount back; `debit`: pay a held amount out. */
export type FundsEffect = 'lock' | 'release' | 'debit';

export interface TransferBillTransition {
  /** `null`: the bill does not exist yet (create makes it). */
  from: TransferBillState | null;
  event: TransferBillEventName | 'create';
  to: TransferBillState;
  actor: Actor;
  /** A fixed fail_reason, or `event` when the event carries it. */
  failReason?: string | 'event';
  funds?: FundsEffect;
  notify?: typeof FINISHED_EVENT;
  schedule?: readonly ScheduledStep[];
  /** Remember that the balance was short (starts the 24 h funds deadline once). */
  marksFundsShort?: true;
  /** The user also agreed to the authorization the bill offered (A4): the authorization family records it. */
  grantsAuthorization?: true;
  /** The row applies only when this holds. */
  when?: (record: TransferBillMachineRecord, event: TransferBillEvent) => boolean;
  /** Why the row does not apply when `when` is false: the refusal message. */
  unless?: string;
  /** The event is accepted and the record returned unchanged. */
  idempotent?: true;
  note: string;
}

const ASYNC = 'asyncStep';
const enough = (r: TransferBillMachineRecord, e: TransferBillEvent) =>
  e.type === 'lockFunds' && e.available >= r.transferAmount;
const authorized = (r: TransferBillMachineRecord) => r.authorized === true;
const settle = { notify: FINISHED_EVENT } as const;
const overUserQuota = (e: TransferBillEvent) =>
  (e.type === 'userConfirm' || e.type === 'userConfirmAndAuthorize') && e.overUserQuota === true;

export const transitions: readonly TransferBillTransition[] = [
  {
    from: null,
    event: 'create',
    to: 'ACCEPTED',
    actor: 'merchant',
    schedule: [{ kind: 'accept', after: ASYNC }],
    note: 'T1/P1: the bill is accepted; retrying with the same out_bill_no is safe',
  },
  {
    from: 'ACCEPTED',
    event: 'accept',
    to: 'PROCESSING',
    actor: 'system',
    schedule: [{ kind: 'lockFunds', after: ASYNC }],
    note: 'WeChat Pay takes the bill up',
  },
  {
    from: 'ACCEPTED',
    event: 'fail',
    to: 'FAIL',
    actor: 'system',
    failReason: 'event',
    ...settle,
    note: 'internal failure',
  },
  {
    from: 'PROCESSING',
    event: 'lockFunds',
    to: 'WAIT_USER_CONFIRM',
    actor: 'system',
    when: (r, e) => enough(r, e) && !authorized(r),
    funds: 'lock',
    schedule: [{ kind: 'confirmOverdue', after: CONFIRM_WINDOW_MS }],
    note: 'user-confirm mode: funds locked on the paying balance; package_info is now usable',
  },
  {
    from: 'PROCESSING',
    event: 'lockFunds',
    to: 'TRANSFERING',
    actor: 'system',
    when: (r, e) => enough(r, e) && authorized(r),
    funds: 'lock',
    schedule: [{ kind: 'payout', after: ASYNC }],
    note: 'authorized mode (A5): funds locked and paid out at once, no confirm page',
  },
  {
    from: 'PROCESSING',
    event: 'lockFunds',
    to: 'PROCESSING',
    actor: 'system',
    when: (r, e) => !enough(r, e) && r.fundsShortSince === undefined,
    marksFundsShort: true,
    schedule: [{ kind: 'fundsOverdue', after: FUNDS_WAIT_MS }],
    note: 'balance short: the bill waits in PROCESSING (a balance top-up retries the lock)',
  },
  {
    from: 'PROCESSING',
    event: 'lockFunds',
    to: 'PROCESSING',
    actor: 'system',
    when: (r, e) => !enough(r, e) && r.fundsShortSince !== undefined,
    idempotent: true,
    note: 'still short: keep waiting, the 24 h deadline already runs',
  },
  {
    from: 'PROCESSING',
    event: 'fundsOverdue',
    to: 'FAIL',
    actor: 'timer',
    failReason: 'OVERDUE_CLOSE',
    ...settle,
    note: 'insufficient funds for more than 24 h',
  },
  {
    from: 'PROCESSING',
    event: 'fail',
    to: 'FAIL',
    actor: 'system',
    failReason: 'event',
    ...settle,
    note: 'WeChat Pay fails the bill while processing',
  },
  // Before the confirm rows below, which they take precedence over (rowFor takes the first row that applies).
  ...(['WAIT_USER_CONFIRM', 'CANCELING'] as const).flatMap((from) =>
    (['userConfirm', 'userConfirmAndAuthorize'] as const).map(
      (event): TransferBillTransition => ({
        from,
        event,
        to: 'FAIL',
        actor: 'user',
        when: (r, e) =>
          overUserQuota(e) && r.fundsLocked && (event === 'userConfirm' || r.offersAuthorization === true),
        failReason: 'DAY_RECEIVED_QUOTA_EXCEED',
        funds: 'release',
        ...settle,
        note: 'A4 without openid: the confirming user is past the per-user daily quota (超过用户日收款额度); no authorization',
      }),
    ),
  ),
  {
    from: 'WAIT_USER_CONFIRM',
    event: 'userConfirm',
    to: 'TRANSFERING',
    actor: 'user',
    schedule: [{ kind: 'payout', after: ASYNC }],
    note: 'the user confirms receipt on the confirm page (declining the authorization an A4 bill offers)',
  },
  {
    from: 'WAIT_USER_CONFIRM',
    event: 'userConfirmAndAuthorize',
    to: 'TRANSFERING',
    actor: 'user',
    when: (r) => r.offersAuthorization === true,
    unless: 'the bill offers no authorization (only A4 with authorization_info does)',
    grantsAuthorization: true,
    schedule: [{ kind: 'payout', after: ASYNC }],
    note: 'A4: the user confirms receipt and agrees to the authorization: it takes effect, CONFIRMED is notified',
  },
  {
    from: 'WAIT_USER_CONFIRM',
    event: 'confirmOverdue',
    to: 'FAIL',
    actor: 'timer',
    failReason: 'OVERDUE_CLOSE',
    funds: 'release',
    ...settle,
    note: 'the user did not confirm within 24 h',
  },
  {
    from: 'TRANSFERING',
    event: 'payout',
    to: 'SUCCESS',
    actor: 'system',
    funds: 'debit',
    ...settle,
    note: 'payout done',
  },
  {
    from: 'TRANSFERING',
    event: 'fail',
    to: 'FAIL',
    actor: 'system',
    failReason: 'event',
    funds: 'release',
    ...settle,
    note: 'payout failed, e.g. an abnormal account (UNCONFIRMED edge implied by the fail reasons)',
  },
  ...(['ACCEPTED', 'PROCESSING', 'WAIT_USER_CONFIRM'] as const).map(
    (from): TransferBillTransition => ({
      from,
      event: 'cancel',
      to: 'CANCELING',
      actor: 'merchant',
      schedule: [{ kind: 'finishCancel', after: ASYNC }],
      note: 'T4/P3 before the user confirmed: cancellation accepted, refund runs asynchronously',
    }),
  ),
  ...(['CANCELING', 'CANCELLED'] as const).map(
    (from): TransferBillTransition => ({
      from,
      event: 'cancel',
      to: from,
      actor: 'merchant',
      idempotent: true,
      note: 'T4/P3 repeated (UNCONFIRMED): the bill as it is',
    }),
  ),
  {
    from: 'CANCELING',
    event: 'finishCancel',
    to: 'CANCELLED',
    actor: 'system',
    failReason: 'MCH_CANCEL',
    funds: 'release',
    ...settle,
    note: 'locked funds returned (fail_reason MCH_CANCEL: UNCONFIRMED)',
  },
  {
    from: 'CANCELING',
    event: 'userConfirm',
    to: 'TRANSFERING',
    actor: 'user',
    when: (r) => r.fundsLocked,
    unless: 'the bill was cancelled before it reached WAIT_USER_CONFIRM, so the user never saw it',
    schedule: [{ kind: 'payout', after: ASYNC }],
    note: 'race: the user confirmed while the cancellation was being processed; the confirmation wins',
  },
  {
    from: 'CANCELING',
    event: 'userConfirmAndAuthorize',
    to: 'TRANSFERING',
    actor: 'user',
    when: (r) => r.fundsLocked && r.offersAuthorization === true,
    unless: 'the user never saw the confirm page, or the bill offers no authorization',
    grantsAuthorization: true,
    schedule: [{ kind: 'payout', after: ASYNC }],
    note: 'the same race on an A4 bill, the user also agreeing to the authorization',
  },
];

export function rowFor(
  record: TransferBillMachineRecord,
  event: TransferBillEvent,
): TransferBillTransition | undefined {
  return transitions.find(
    (t) => t.from === record.state && t.event === event.type && (t.when?.(record, event) ?? true),
  );
}

export function canTransition(record: TransferBillMachineRecord, event: TransferBillEvent): boolean {
  return rowFor(record, event) !== undefined;
}

/**
 * What each refusal says. No page words a refusal of these events, so each opens with a plain Chinese sentence in
 * WeChat's style (docs/fidelity.md) and the English detail follows for the developer.
 */
const EVENT_LABELS: Record<TransferBillEventName, [chinese: string, english: string]> = {
  accept: ['当前状态不支持受理', 'it cannot be accepted'],
  lockFunds: ['当前状态不支持锁定资金', 'funds cannot be locked'],
  fundsOverdue: ['当前状态不支持因资金不足关闭', 'it cannot expire for lack of funds'],
  userConfirm: ['当前状态不支持用户确认收款', 'the user cannot confirm receipt'],
  userConfirmAndAuthorize: [
    '当前状态不支持用户确认收款并授权',
    'the user cannot confirm receipt and authorize',
  ],
  confirmOverdue: ['当前状态不支持超时关闭', 'it cannot expire unconfirmed'],
  payout: ['当前状态不支持打款', 'it cannot be paid out'],
  fail: ['当前状态不支持置为失败', 'it cannot fail'],
  cancel: ['当前状态不支持撤销', 'it cannot be cancelled'],
  finishCancel: ['当前状态不支持完成撤销', 'its cancellation cannot finish'],
};

function refusal(record: TransferBillMachineRecord, event: TransferBillEvent): ApiError {
  const guarded = transitions.find((t) => t.from === record.state && t.event === event.type && t.unless);
  const allowed = [
    ...new Set(transitions.filter((t) => t.event === event.type && (!t.when || t.unless)).map((t) => t.from)),
  ];
  const why = guarded?.unless ?? `allowed in ${allowed.join(', ')}`;
  const [chinese, english] = EVENT_LABELS[event.type];
  return new ApiError(
    400,
    'INVALID_REQUEST',
    `转账单${chinese} (transfer bill ${record.outBillNo} is ${record.state}: ${english} (${why}))`,
  );
}

export interface TransferBillStep<R extends TransferBillMachineRecord> {
  record: R;
  row: TransferBillTransition;
  /** What happens to the bill's amount on the sub-merchant balance, if anything. */
  funds?: FundsEffect;
}

/** The next record for `event` at time `now`, or an INVALID_REQUEST ApiError when the table has no row for it. */
export function transition<R extends TransferBillMachineRecord>(
  record: R,
  event: TransferBillEvent,
  now: number,
): TransferBillStep<R> {
  const row = rowFor(record, event);
  if (!row) throw refusal(record, event);
  if (row.idempotent) return { record, row };
  const next: R = { ...record, state: row.to };
  if (row.to !== record.state) next.updateTime = now;
  if (row.failReason === 'event') {
    if (event.type !== 'fail') throw new Error(`row "${row.note}" needs an event carrying the fail reason`);
    next.failReason = event.reason;
  } else if (row.failReason !== undefined) {
    next.failReason = row.failReason;
  }
  if (row.marksFundsShort) next.fundsShortSince = now;
  // The user who confirms receives the transfer when the bill named none (A4 without openid).
  if (
    (event.type === 'userConfirm' || event.type === 'userConfirmAndAuthorize') &&
    next.openid === undefined
  ) {
    next.openid = event.openid;
  }
  let funds: FundsEffect | undefined;
  if (row.funds === 'lock') {
    funds = 'lock';
    next.fundsLocked = true;
    next.fundsShortSince = undefined;
  } else if (row.funds !== undefined && record.fundsLocked) {
    funds = row.funds;
    next.fundsLocked = false;
  }
  return funds === undefined ? { record: next, row } : { record: next, row, funds };
}

/** The creation row (T1/P1), for whoever inserts a new bill. */
export const createRow: TransferBillTransition = transitions.find((t) => t.from === null)!;

export function isTerminal(state: TransferBillState): boolean {
  return terminalStates.includes(state);
}
