import type { FamilyName, MerchantRole, OperationSpec } from '@wxpay-kit/sdk/catalogue';
import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../core/clock.js';
import type { TransitionEntry } from '../history/transition-log.js';

/**
 * The contract between the emulator's framework (wire, db, notify, control) and each resource family.
 * A family folder holds: machine.ts (pure states + transitions table), store.ts (its SQL), routes.ts
 * (operation handlers: parse → machine → store → reply), control.ts (user/system actions, also via machine.ts),
 * index.ts (exports the FamilyModule). Families never import each other.
 */

export type Database = BetterSqlite3.Database;

/** A merchant known to the emulator. Sub-merchants have no API credentials of their own. */
export interface MerchantInfo {
  mchid: string;
  /** `subMerchant` for the sub-merchants of a service provider or platform. */
  kind: MerchantRole | 'subMerchant';
  name: string;
  appid: string;
  /** Parent service provider / platform, for sub-merchants. */
  parentMchid?: string;
  /** Sub-merchants bound to a service provider / platform. */
  subMchids: string[];
}

/** Who caused a transition. Every transition row in a machine names one. */
export type Actor = 'merchant' | 'user' | 'system' | 'timer';

/** A notification to enqueue; the outbox encrypts, signs and delivers it. */
export interface OutgoingNotification {
  /** The merchant whose APIv3 key encrypts it (the caller that created the resource). */
  mchid: string;
  url: string;
  eventType: string;
  summary: string;
  originalType: string;
  associatedData: string;
  /** The plaintext resource object. */
  resource: Record<string, unknown>;
  family: FamilyName;
  /** The resource this notification is about (e.g. the out-number), for listing and inspection. */
  resourceKey: string;
}

/** A durable timer: fires once when the virtual clock reaches `dueAt`, also after a restart. */
export interface TimerRequest {
  family: FamilyName;
  /** Family-defined kind, e.g. `authorizationOverdue`; names a handler in FamilyModule.timers. */
  kind: string;
  /** The resource it concerns (family-defined key, e.g. `${mchid}:${out_authorization_no}`). */
  ref: string;
  dueAt: number;
  payload?: Record<string, unknown>;
}

export interface DueTimer extends TimerRequest {
  id: number;
}

/** An authorization (免确认收款授权) as a transfer sees it; the authorization family keeps its record private. */
export interface AuthorizationView {
  mchid: string;
  outAuthorizationNo: string;
  authorizationId?: string | undefined;
  state: 'WAIT_USER_CONFIRM' | 'TAKING_EFFECT' | 'CLOSED';
  closeReason?: string | undefined;
  appid: string;
  openid: string;
  transferSceneId: string;
}

/** An authorization the user agreed to on a transfer's confirm page (A4). */
export interface AuthorizationGrant {
  face: 'merchant' | 'partner';
  mchid: string;
  outAuthorizationNo: string;
  appid: string;
  openid: string;
  transferSceneId: string;
  userDisplayName: string;
  userRecvPerception?: string | undefined;
  notifyUrl: string;
}

/**
 * What the transfer-bill family asks of the authorization family. Families never import each other: the core
 * wires this port (families/authorizations/port.ts) into FamilyDeps.
 */
export interface AuthorizationsPort {
  /** The caller's authorization by WeChat Pay id or merchant number; undefined when there is none. */
  find(
    mchid: string,
    by: { authorizationId?: string; outAuthorizationNo?: string },
  ): AuthorizationView | undefined;
  /**
   * A4: records the authorization the user agreed to, in effect at `now`, and notifies CONFIRMED; refused like A1
   * (400 INVALID_REQUEST) when the user already has 5 open authorizations in the scene.
   */
  grant(grant: AuthorizationGrant, now: number): AuthorizationView;
}

/** What a family may use. Every call into a family runs inside one SQLite transaction (BEGIN IMMEDIATE). */
export interface FamilyDeps {
  db: Database;
  clock: Clock;
  /** Epoch ms → RFC 3339 with +08:00, as WeChat Pay emits times. */
  formatTime(ms: number): string;
  /** Unique, persistent, digit-only ids of the given length (e.g. 27 for authorization_id). */
  newId(prefix: string, digits: number): string;
  merchants: {
    get(mchid: string): MerchantInfo | undefined;
    /** True when `subMchid` is bound to `parentMchid`. */
    isSubMerchantOf(parentMchid: string, subMchid: string): boolean;
  };
  /** RSA-OAEP (SHA-1) encrypt for a merchant's API certificate key: how `user_name` leaves the emulator. */
  encryptForMerchant(mchid: string, plaintext: string): string;
  /** Inserts into the outbox within the current transaction. */
  notify(notification: OutgoingNotification): void;
  /** Inserts a durable timer within the current transaction. */
  schedule(timer: TimerRequest): void;
  /** Logs a state change of a resource (its timeline) within the current transaction; `at` defaults to now. */
  recordTransition(entry: Omit<TransitionEntry, 'at'> & { at?: number }): void;
  /** Settings a test may change (e.g. the delays of asynchronous steps). */
  settings: EmulatorSettings;
  /** The authorization family, as transfers under an authorization (A4, A5) need it. */
  authorizations: AuthorizationsPort;
}

export interface EmulatorSettings {
  /** Delay in ms of each automatic system step (ACCEPTED→PROCESSING, CANCELING→CANCELLED, …). */
  asyncStepMs: number;
  /** Accept `http://` and loopback notify URLs (WeChat Pay requires public HTTPS). */
  allowInsecureNotifyUrls: boolean;
}

export interface Caller {
  mchid: string;
  role: MerchantRole;
  merchant: MerchantInfo;
}

/** A verified, validated call. Sensitive request fields are already decrypted to plaintext in `body`. */
export interface OperationCall {
  operation: OperationSpec;
  caller: Caller;
  params: Record<string, string>;
  query: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the body was validated against the operation's schema
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface OperationResult {
  status: number;
  body?: unknown;
}

export type OperationHandler = (deps: FamilyDeps, call: OperationCall) => OperationResult;

/** A control-API action of the family (the user's or the system's part), mounted under /_emulator/<family>. */
export interface ControlAction {
  method: 'GET' | 'POST';
  /** Fastify path relative to /_emulator/<family-kebab>, e.g. `/:mchid/:out_authorization_no/confirm`. */
  path: string;
  /**
   * The method name in the typed control client (`emulator.control.<family>.<name>`); by default derived from
   * the path (control/action-catalogue.ts: `/…/confirm` → `confirm`, GET `/balances/:id` → `getBalances`).
   */
  name?: string;
  summary: string;
  actor: Actor;
  handler(
    deps: FamilyDeps,
    request: { params: Record<string, string>; query: Record<string, string>; body: unknown },
  ): OperationResult;
}

export interface FamilyModule {
  family: FamilyName;
  /** CREATE TABLE IF NOT EXISTS …; idempotent, run at every start. */
  migrate(db: Database): void;
  /** Keyed by catalogue operation name, e.g. `authorizations.close`. */
  operations: Record<string, OperationHandler>;
  /** Keyed by TimerRequest.kind. A timer whose resource has moved on must be a no-op. */
  timers: Record<string, (deps: FamilyDeps, timer: DueTimer) => void>;
  control: ControlAction[];
  /** Read-only views for the control API. */
  inspect: {
    list(deps: FamilyDeps, filter: { mchid?: string }): unknown[];
  };
}
