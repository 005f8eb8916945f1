import { type AUTHORIZATION_CLOSE_REASONS, AUTHORIZATION_STATES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { Actor } from '../family.js';

/**
 * 免确认收款授权 (spec P2.1): every state and every transition of an authorization, in one table.
 * Pure: no database, no clock, no ids. The caller passes the time and any new id in the event or context.
 */

export const states = AUTHORIZATION_STATES;
export type AuthorizationState = (typeof AUTHORIZATION_STATES)[number];
export type CloseReason = (typeof AUTHORIZATION_CLOSE_REASONS)[number];
export type RiskCloseReason = Extract<CloseReason, 'TRANSFER_RISK' | 'USER_ACCOUNT_ABNORMAL'>;
export const RISK_CLOSE_REASONS: readonly RiskCloseReason[] = ['TRANSFER_RISK', 'USER_ACCOUNT_ABNORMAL'];

export const CONFIRMED_EVENT = 'MCHTRANSFER.AUTHORIZATION.CONFIRMED';
export const CLOSED_EVENT = 'MCHTRANSFER.AUTHORIZATION.CLOSED';
export type AuthorizationEventType = typeof CONFIRMED_EVENT | typeof CLOSED_EVENT;

/** The user must agree within 24 h (A1/A2 pages). */
export const CONFIRM_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Records closed as overdue stay queryable for 30 days; then A2 answers 404 and the number is free again. */
export const OVERDUE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** At most 5 authorizations in WAIT_USER_CONFIRM + TAKING_EFFECT per user and scene (A1 page). */
export const MAX_OPEN_PER_USER_SCENE = 5;
export const OPEN_STATES: readonly AuthorizationState[] = ['WAIT_USER_CONFIRM', 'TAKING_EFFECT'];

/**
 * The limit of 5, with the apply page's words [DOC 4015901167]: for A1 and for an authorization an A4 bill's user
 * agrees to. `open` counts the user's authorizations in OPEN_STATES in the scene.
 */
export function checkOpenLimit(open: number, openid: string, transferSceneId: string): void {
  if (open < MAX_OPEN_PER_USER_SCENE) return;
  throw new ApiError(
    400,
    'INVALID_REQUEST',
    `用户在当前场景下的授权数量达到限制，不支持发起授权 (openid ${openid} already has ${open} ` +
      `authorizations in WAIT_USER_CONFIRM or TAKING_EFFECT for transfer_scene_id ${transferSceneId}; ` +
      `at most ${MAX_OPEN_PER_USER_SCENE})`,
  );
}

/** The part of a stored authorization the machine reads and writes. Times are epoch ms. */
export interface AuthorizationMachineRecord {
  outAuthorizationNo: string;
  state: AuthorizationState;
  authorizationId?: string | undefined;
  authorizeTime?: number | undefined;
  closeTime?: number | undefined;
  closeReason?: CloseReason | undefined;
}

export type AuthorizationEvent =
  | { type: 'confirm'; authorizationId: string }
  | { type: 'overdue' }
  | { type: 'close' }
  | { type: 'revoke' }
  | { type: 'riskClose'; reason: RiskCloseReason }
  | { type: 'purge' };

export type AuthorizationEventName = AuthorizationEvent['type'];

/** Timers a transition starts: `kind` names a handler in the family's `timers`. */
export interface ScheduledTimer {
  kind: 'overdue' | 'purge';
  afterMs: number;
}

export interface AuthorizationTransition {
  /** `null`: the record does not exist yet (A1 creates it). */
  from: AuthorizationState | null;
  event: AuthorizationEventName | 'apply' | 'grant';
  /** `null`: the record is deleted; queries answer 404 and its number is free again. */
  to: AuthorizationState | null;
  actor: Actor;
  /** A fixed close reason, or `event` when the event carries it. */
  closeReason?: CloseReason | 'event';
  notify?: AuthorizationEventType;
  schedule?: readonly ScheduledTimer[];
  /** The row applies only when this holds; `condition` says so in words, for refusals. */
  when?: (record: AuthorizationMachineRecord) => boolean;
  condition?: string;
  /** The event is accepted and the record returned unchanged (a repeated request). */
  idempotent?: true;
  /** Why the row exists, for readers and for the refusal message. */
  note: string;
}

const closedViaApi = (r: AuthorizationMachineRecord) => r.closeReason === 'CLOSE_VIA_MCH_API';
const closedOverdue = (r: AuthorizationMachineRecord) => r.closeReason === 'USER_OVERDUE_UNCONFIRMED';

export const transitions: readonly AuthorizationTransition[] = [
  {
    from: null,
    event: 'apply',
    to: 'WAIT_USER_CONFIRM',
    actor: 'merchant',
    schedule: [{ kind: 'overdue', afterMs: CONFIRM_WINDOW_MS }],
    note: 'A1: the merchant applies; the user has 24 h to agree',
  },
  {
    from: null,
    event: 'grant',
    to: 'TAKING_EFFECT',
    actor: 'user',
    notify: CONFIRMED_EVENT,
    note: 'A4: the user confirms a transfer and agrees to the authorization it offers; the record appears in effect',
  },
  {
    from: 'WAIT_USER_CONFIRM',
    event: 'confirm',
    to: 'TAKING_EFFECT',
    actor: 'user',
    notify: CONFIRMED_EVENT,
    note: 'the user agrees in WeChat: authorization_id and authorize_time are set',
  },
  {
    from: 'WAIT_USER_CONFIRM',
    event: 'overdue',
    to: 'CLOSED',
    actor: 'timer',
    closeReason: 'USER_OVERDUE_UNCONFIRMED',
    schedule: [{ kind: 'purge', afterMs: OVERDUE_RETENTION_MS }],
    note: '24 h without the user agreeing; no notification (the notify page lists other reasons only)',
  },
  {
    from: 'TAKING_EFFECT',
    event: 'close',
    to: 'CLOSED',
    actor: 'merchant',
    closeReason: 'CLOSE_VIA_MCH_API',
    notify: CLOSED_EVENT,
    note:
      'A3: the merchant closes an authorization in effect. Before the user agreed there is nothing to close: the ' +
      'diagram draws A3 from TAKING_EFFECT only and the close response requires authorization_id, authorize_time',
  },
  {
    from: 'CLOSED',
    event: 'close',
    to: 'CLOSED',
    actor: 'merchant',
    when: closedViaApi,
    condition: 'via CLOSE_VIA_MCH_API',
    idempotent: true,
    note: 'A3 again on a record closed via A3 (UNCONFIRMED): the record, unchanged',
  },
  {
    from: 'TAKING_EFFECT',
    event: 'revoke',
    to: 'CLOSED',
    actor: 'user',
    closeReason: 'USER_CLOSE',
    notify: CLOSED_EVENT,
    note: 'the user revokes the authorization in WeChat',
  },
  {
    from: 'TAKING_EFFECT',
    event: 'riskClose',
    to: 'CLOSED',
    actor: 'system',
    closeReason: 'event',
    note: 'risk control or an abnormal account (inferred from the close_reason enum); no notification',
  },
  {
    from: 'CLOSED',
    event: 'purge',
    to: null,
    actor: 'timer',
    when: closedOverdue,
    condition: 'as USER_OVERDUE_UNCONFIRMED',
    note: 'queryable for 30 days after an overdue close, then deleted: A2 answers 404, the number is free again',
  },
];

export const terminalStates: readonly AuthorizationState[] = ['CLOSED'];

export function rowFor(
  record: AuthorizationMachineRecord,
  event: AuthorizationEventName,
): AuthorizationTransition | undefined {
  return transitions.find((t) => t.from === record.state && t.event === event && (t.when?.(record) ?? true));
}

export function canTransition(record: AuthorizationMachineRecord, event: AuthorizationEventName): boolean {
  return rowFor(record, event) !== undefined;
}

/**
 * What each refusal says. The pages word none of these refusals (the apply page's 当前申请单已解除或已授权成功 is
 * about a repeated apply), so each opens with a plain Chinese sentence in WeChat's style (docs/fidelity.md) and
 * the English detail follows for the developer.
 */
const EVENT_LABELS: Record<AuthorizationEventName, [chinese: string, english: string]> = {
  confirm: ['当前授权状态不支持用户确认授权', 'the user cannot confirm'],
  overdue: ['当前授权状态不支持超时关闭', 'cannot expire'],
  close: ['当前授权状态不支持解除授权', 'cannot be closed'],
  revoke: ['当前授权状态不支持用户解除授权', 'the user cannot revoke'],
  riskClose: ['当前授权状态不支持风控关闭', 'cannot be risk-closed'],
  purge: ['当前授权状态不支持清除', 'cannot be purged'],
};

function refusal(record: AuthorizationMachineRecord, event: AuthorizationEventName): ApiError {
  const allowed = transitions
    .filter((t) => t.event === event && t.from !== null)
    .map((t) => (t.condition ? `${t.from} ${t.condition}` : t.from));
  const closed =
    record.state === 'CLOSED' && record.closeReason !== undefined
      ? ` (close_reason ${record.closeReason})`
      : '';
  const [chinese, english] = EVENT_LABELS[event];
  return new ApiError(
    400,
    'INVALID_REQUEST',
    `${chinese} (authorization ${record.outAuthorizationNo} is ${record.state}${closed}: ${english} ` +
      `(allowed in ${allowed.join(', ')}))`,
  );
}

export interface AuthorizationStep<R extends AuthorizationMachineRecord> {
  record: R;
  row: AuthorizationTransition;
}

/**
 * The next record for `event` at time `now`, or an INVALID_REQUEST ApiError when the table has no row for it. A
 * row to `null` returns the record as it was: the caller deletes it.
 */
export function transition<R extends AuthorizationMachineRecord>(
  record: R,
  event: AuthorizationEvent,
  now: number,
): AuthorizationStep<R> {
  const row = rowFor(record, event.type);
  if (!row) throw refusal(record, event.type);
  if (row.idempotent || row.to === null) return { record, row };
  const next: R = { ...record, state: row.to };
  if (event.type === 'confirm') {
    next.authorizationId = event.authorizationId;
    next.authorizeTime = now;
  }
  if (row.closeReason === 'event') {
    if (event.type !== 'riskClose')
      throw new Error(`row "${row.note}" needs an event carrying the close reason`);
    next.closeReason = event.reason;
  } else if (row.closeReason !== undefined) {
    next.closeReason = row.closeReason;
  }
  if (row.closeReason !== undefined) next.closeTime = now;
  return { record: next, row };
}

type CreationRow = AuthorizationTransition & { to: AuthorizationState };

/** The creation row of A1, for whoever inserts a new record. */
export const applyRow = transitions.find((t) => t.from === null && t.event === 'apply') as CreationRow;
/** The creation row of an authorization granted on a transfer's confirm page (A4). */
export const grantRow = transitions.find((t) => t.from === null && t.event === 'grant') as CreationRow;
