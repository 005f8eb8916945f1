import { constants, generateKeyPairSync, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { checkCrossFieldRules, type OperationName, operations } from '@wxpay-kit/sdk/catalogue';
import BetterSqlite3 from 'better-sqlite3';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { expect } from 'vitest';
import { insertTimer } from '../../../src/core/family-deps.js';
import { formatTime } from '../../../src/core/format-time.js';
import { createIdGenerator } from '../../../src/core/ids.js';
import { VirtualClock } from '../../../src/core/virtual-clock.js';
import { migrate } from '../../../src/db/migrate.js';
import type {
  Caller,
  ControlAction,
  Database,
  DueTimer,
  EmulatorSettings,
  FamilyDeps,
  FamilyModule,
  MerchantInfo,
  OperationResult,
  OutgoingNotification,
} from '../../../src/families/family.js';
import { recordTransition } from '../../../src/history/transition-log.js';
import { listNotifications } from '../../../src/notify/notification-store.js';
import { enqueueNotification } from '../../../src/notify/outbox.js';
import { ApiError, type ApiErrorDetail } from '../../../src/wire/api-error.js';

/**
 * Runs one family without HTTP, the way the framework does: every operation, timer and control action in one
 * BEGIN IMMEDIATE transaction, over the real core tables, so `notify` and `schedule` land in the real outbox and
 * timer rows and a rolled-back transaction drops them. A request must satisfy the catalogue schema and its
 * cross-field rules (a test that sends what the framework would reject is a broken test) and a 200 answer must
 * satisfy the response schema.
 * Timers fire in due order, each with the clock at its own due time, as the scheduler fires them.
 */

/** 2025-05-20T12:00:00+08:00 */
export const START_MS = Date.UTC(2025, 4, 20, 4, 0, 0);

export const ORDINARY = '1900000001';
/** A service provider with two sub-merchants, and another one with one. */
export const SERVICE_PROVIDER = '1900000100';
export const SUB_MERCHANT = '1900000101';
export const SECOND_SUB_MERCHANT = '1900000102';
export const OTHER_SERVICE_PROVIDER = '1900000200';
export const OTHER_SUB_MERCHANT = '1900000201';
/** A platform (电商平台) with two sub-merchants, and another one with one. */
export const PLATFORM = '1900001109';
export const SUB_A = '1900001121';
export const SUB_B = '1900001122';
export const OTHER_PLATFORM = '1900002109';
export const OTHER_SUB = '1900002121';

const MERCHANTS: MerchantInfo[] = [
  ...group(ORDINARY, 'merchant', '普通商户有限公司', 'wx8888888888888888', {}),
  ...group(SERVICE_PROVIDER, 'serviceProvider', '示例服务商有限公司', 'wx7777777777777777', {
    [SUB_MERCHANT]: '子商户一有限公司',
    [SECOND_SUB_MERCHANT]: '子商户二有限公司',
  }),
  ...group(OTHER_SERVICE_PROVIDER, 'serviceProvider', '另一服务商有限公司', 'wx6666666666666666', {
    [OTHER_SUB_MERCHANT]: '子商户三有限公司',
  }),
  ...group(PLATFORM, 'platform', '示例平台有限公司', 'wx5555555555555555', {
    [SUB_A]: '甲二级商户有限公司',
    [SUB_B]: '乙二级商户有限公司',
  }),
  ...group(OTHER_PLATFORM, 'platform', '另一平台有限公司', 'wx9999999999999999', {
    [OTHER_SUB]: '丙二级商户有限公司',
  }),
];

function group(
  mchid: string,
  kind: MerchantInfo['kind'],
  name: string,
  appid: string,
  subs: Record<string, string>,
): MerchantInfo[] {
  return [
    { mchid, kind, name, appid, subMchids: Object.keys(subs) },
    ...Object.entries(subs).map(([sub, subName]) => ({
      mchid: sub,
      kind: 'subMerchant' as const,
      name: subName,
      appid: '',
      parentMchid: mchid,
      subMchids: [],
    })),
  ];
}

function callerOf(mchid: string): Caller {
  const merchant = MERCHANTS.find((m) => m.mchid === mchid);
  if (!merchant || merchant.kind === 'subMerchant')
    throw new Error(`test setup: ${mchid} cannot call the API`);
  return { mchid, role: merchant.kind, merchant };
}

let keyPair: { publicKey: KeyObject; privateKey: KeyObject } | undefined;

/** One RSA key stands for every merchant's API certificate key (generated once per test file). */
function merchantKeyPair() {
  keyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keyPair;
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const;

function schemaErrors(schema: TSchema, value: unknown): string {
  return [...Value.Errors(schema, value)].map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

export interface CallParts {
  caller: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

export interface RecordedTimer extends DueTimer {
  state: 'pending' | 'done';
}

/** A notification as the family enqueued it, with the virtual time it was enqueued at. */
export type RecordedNotification = OutgoingNotification & { at: number };

// The timers table's columns under the names of RecordedTimer, the payload still as stored JSON.
const TIMER_COLUMNS = 'id, family, kind, ref, due_at AS dueAt, payload, state';
type StoredTimer = Omit<RecordedTimer, 'payload'> & { payload: string | null };

function toTimer({ payload, ...timer }: StoredTimer): RecordedTimer {
  return payload === null ? timer : { ...timer, payload: JSON.parse(payload) as Record<string, unknown> };
}

export class FamilyHarness {
  readonly db: Database;
  readonly clock: VirtualClock;
  readonly deps: FamilyDeps;

  constructor(
    readonly family: FamilyModule,
    settings: Partial<EmulatorSettings> = {},
  ) {
    const db = new BetterSqlite3(':memory:');
    migrate(db, [family]);
    family.migrate(db); // migrations run at every start: the second run must be harmless
    const clock = new VirtualClock({ mode: 'manual', start: START_MS });
    const requireTransaction = (what: string) => {
      if (!db.inTransaction) throw new Error(`${family.family}: ${what} called outside a transaction`);
    };
    this.db = db;
    this.clock = clock;
    this.deps = {
      db,
      clock,
      formatTime,
      newId: createIdGenerator(db, clock),
      merchants: {
        get: (mchid) => MERCHANTS.find((m) => m.mchid === mchid),
        isSubMerchantOf: (parent, sub) =>
          MERCHANTS.some((m) => m.mchid === sub && m.kind === 'subMerchant' && m.parentMchid === parent),
      },
      encryptForMerchant(mchid, plaintext) {
        callerOf(mchid); // only a merchant with API credentials has a certificate key to encrypt for
        const key = merchantKeyPair().publicKey;
        return publicEncrypt({ key, ...OAEP }, Buffer.from(plaintext, 'utf8')).toString('base64');
      },
      notify(notification) {
        requireTransaction('notify');
        enqueueNotification(db, clock.now(), notification);
      },
      schedule(timer) {
        requireTransaction('schedule');
        if (timer.family !== family.family) {
          throw new Error(`${family.family} scheduled a timer of family ${timer.family}`);
        }
        insertTimer(db, timer);
      },
      recordTransition(entry) {
        requireTransaction('recordTransition');
        if (entry.family !== family.family) {
          throw new Error(`${family.family} logged a transition of family ${entry.family}`);
        }
        recordTransition(db, { ...entry, at: entry.at ?? clock.now() });
      },
      settings: { asyncStepMs: 1000, allowInsecureNotifyUrls: false, ...settings },
    };
  }

  /** As the framework runs every handler: one BEGIN IMMEDIATE transaction, rolled back when it throws. */
  inTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** An operation as the framework runs it, with its request and its 200 answer checked against the catalogue. */
  call(name: OperationName, parts: CallParts): OperationResult {
    const operation = operations[name];
    const params = parts.params ?? {};
    const query = parts.query ?? {};
    for (const [part, schema, value] of [
      ['params', operation.params, params],
      ['query', operation.query, query],
      ['body', operation.body, parts.body],
    ] as const) {
      if (schema && !Value.Check(schema, value)) {
        throw new Error(
          `test setup: ${name} ${part} fails the catalogue schema: ${schemaErrors(schema, value)}`,
        );
      }
    }
    const broken = checkCrossFieldRules(name, { params, query, body: parts.body });
    if (broken.length > 0) {
      const list = broken.map((v) => `${v.location} ${v.field}: ${v.issue}`).join('; ');
      throw new Error(`test setup: ${name} breaks a catalogue cross-field rule: ${list}`);
    }
    const handler = this.family.operations[name];
    if (!handler) throw new Error(`${this.family.family} has no handler for ${name}`);
    const caller = callerOf(parts.caller);
    const result = this.inTransaction(() =>
      handler(this.deps, { operation, caller, params, query, body: parts.body, headers: {} }),
    );
    if (result.status === 200) {
      if (!operation.response && result.body !== undefined) {
        throw new Error(`${name} answered a body, but the catalogue documents none`);
      }
      if (operation.response && !Value.Check(operation.response, result.body)) {
        throw new Error(
          `${name} answered outside its catalogue schema: ${schemaErrors(operation.response, result.body)}`,
        );
      }
    }
    return result;
  }

  /** The control action mounted at `method path-template`, with `params` filled in, in one transaction. */
  control(
    method: ControlAction['method'],
    template: string,
    params: Record<string, string>,
    body?: unknown,
  ): OperationResult {
    const action = this.family.control.find((a) => a.method === method && a.path === template);
    if (!action) throw new Error(`${this.family.family} has no control action ${method} ${template}`);
    return this.inTransaction(() => action.handler(this.deps, { params, query: {}, body }));
  }

  /**
   * Moves the clock to `target`, firing every timer due by then in due order, each in its own transaction with
   * the clock at its due time, including timers those handlers schedule on the way. Returns the timers fired.
   */
  advanceTo(target: number): RecordedTimer[] {
    const nextDue = this.db.prepare(
      `SELECT ${TIMER_COLUMNS} FROM timers WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT 1`,
    );
    const markDone = this.db.prepare(`UPDATE timers SET state = 'done', fired_at = ? WHERE id = ?`);
    const fired: RecordedTimer[] = [];
    for (;;) {
      const row = nextDue.get(target) as StoredTimer | undefined;
      if (!row) break;
      if (row.dueAt > this.clock.now()) this.clock.set(row.dueAt);
      const { state: _pending, ...timer } = toTimer(row);
      const handler = this.family.timers[timer.kind];
      if (!handler) throw new Error(`${this.family.family} has no timer handler for kind "${timer.kind}"`);
      this.inTransaction(() => {
        markDone.run(this.clock.now(), timer.id);
        handler(this.deps, timer);
      });
      fired.push({ ...timer, state: 'done' });
    }
    if (target > this.clock.now()) this.clock.set(target);
    return fired;
  }

  advanceBy(ms: number): RecordedTimer[] {
    return this.advanceTo(this.clock.now() + ms);
  }

  /** Fires what is already due, e.g. after `clock.advance` moved time on without firing anything. */
  runDue(): RecordedTimer[] {
    return this.advanceTo(this.clock.now());
  }

  /** Every timer the family scheduled, oldest first. */
  timers(): RecordedTimer[] {
    return (this.db.prepare(`SELECT ${TIMER_COLUMNS} FROM timers ORDER BY id`).all() as StoredTimer[]).map(
      toTimer,
    );
  }

  pendingTimers(): RecordedTimer[] {
    return this.timers().filter((t) => t.state === 'pending');
  }

  /** Committed notifications, oldest first. */
  notifications(): RecordedNotification[] {
    return listNotifications(this.db, {}).map((n) => ({
      mchid: n.mchid,
      url: n.url,
      eventType: n.eventType,
      summary: n.summary,
      originalType: n.originalType,
      associatedData: n.associatedData,
      resource: n.resource,
      family: n.family,
      resourceKey: n.resourceKey,
      at: n.createdAt,
    }));
  }

  /** How an encrypted field (e.g. `user_name`) comes back to a merchant, undone with the merchant's key. */
  decryptForMerchant(ciphertext: string): string {
    const key = merchantKeyPair().privateKey;
    return privateDecrypt({ key, ...OAEP }, Buffer.from(ciphertext, 'base64')).toString('utf8');
  }
}

/** What an ApiError carried, for assertions on status, code, message and detail. */
export interface ThrownApiError {
  status: number;
  code: string;
  message: string;
  detail?: ApiErrorDetail | undefined;
}

/** The ApiError a call threw; any other outcome fails the test. */
export function errorOf(fn: () => unknown): ThrownApiError {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, code: error.code, message: error.message, detail: error.detail };
  }
  throw new Error('expected the call to throw an ApiError, but it returned');
}

/** The ApiError a call threw, after checking its status and code. */
export function expectApiError(fn: () => unknown, status: number, code: string): ThrownApiError {
  const error = errorOf(fn);
  expect({ status: error.status, code: error.code }, error.message).toEqual({ status, code });
  return error;
}
