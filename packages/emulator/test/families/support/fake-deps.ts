import { constants, generateKeyPairSync, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { type OperationName, operations } from '@wxpay-kit/sdk/catalogue';
import Database from 'better-sqlite3';
import { Value } from 'typebox/value';
import { formatTime } from '../../../src/core/format-time.js';
import type {
  Caller,
  ControlAction,
  DueTimer,
  EmulatorSettings,
  FamilyDeps,
  FamilyModule,
  MerchantInfo,
  OperationResult,
  OutgoingNotification,
  TimerRequest,
} from '../../../src/families/family.js';
import { ApiError } from '../../../src/wire/api-error.js';

/**
 * Family tests without HTTP: an in-memory database, a manual clock, and `notify`/`schedule` recorded in tables of
 * that same database, so a rolled-back transaction drops them exactly as the real outbox and timer rows would be.
 */

export const ORDINARY = '1900000001';
export const SERVICE_PROVIDER = '1900000100';
export const SUB_MERCHANT = '1900000101';
export const SECOND_SUB_MERCHANT = '1900000102';
export const OTHER_SERVICE_PROVIDER = '1900000200';
export const OTHER_SUB_MERCHANT = '1900000201';

/** 2025-05-20T12:00:00+08:00 */
export const START_MS = Date.UTC(2025, 4, 20, 4, 0, 0);

const MERCHANTS: MerchantInfo[] = [
  { mchid: ORDINARY, kind: 'merchant', name: 'Ordinary', appid: 'wx8888888888888888', subMchids: [] },
  {
    mchid: SERVICE_PROVIDER,
    kind: 'serviceProvider',
    name: 'Provider',
    appid: 'wx7777777777777777',
    subMchids: [SUB_MERCHANT, SECOND_SUB_MERCHANT],
  },
  {
    mchid: OTHER_SERVICE_PROVIDER,
    kind: 'serviceProvider',
    name: 'Other provider',
    appid: 'wx6666666666666666',
    subMchids: [OTHER_SUB_MERCHANT],
  },
  ...[SUB_MERCHANT, SECOND_SUB_MERCHANT].map((mchid) => subMerchant(mchid, SERVICE_PROVIDER)),
  subMerchant(OTHER_SUB_MERCHANT, OTHER_SERVICE_PROVIDER),
];

function subMerchant(mchid: string, parentMchid: string): MerchantInfo {
  return {
    mchid,
    kind: 'subMerchant',
    name: `Sub ${mchid}`,
    appid: 'wx5555555555555555',
    parentMchid,
    subMchids: [],
  };
}

let keyPair: { publicKey: KeyObject; privateKey: KeyObject } | undefined;

/** One RSA key stands for every merchant's API certificate key (generated once per test file). */
function merchantKeyPair() {
  keyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keyPair;
}

export class ManualClock {
  constructor(private instant: number) {}
  now(): number {
    return this.instant;
  }
  advance(ms: number): number {
    this.instant += ms;
    return this.instant;
  }
}

const FAKE_SCHEMA = `
CREATE TABLE fake_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE fake_timers (
  id INTEGER PRIMARY KEY AUTOINCREMENT, family TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
  due_at INTEGER NOT NULL, payload TEXT, done INTEGER NOT NULL DEFAULT 0
);
`;

export interface RecordedTimer extends DueTimer {
  done: boolean;
}

export interface FakeEnvironment {
  deps: FamilyDeps;
  clock: ManualClock;
  family: FamilyModule;
  /** Committed notifications, oldest first, with the virtual time they were enqueued at. */
  notifications(): (OutgoingNotification & { at: number })[];
  timers(): RecordedTimer[];
  /** How `user_name` comes back to a merchant, undone with the merchant's private key. */
  decryptForMerchant(ciphertext: string): string;
}

export function createFakeEnvironment(
  family: FamilyModule,
  settings: Partial<EmulatorSettings> = {},
): FakeEnvironment {
  const db = new Database(':memory:');
  db.exec(FAKE_SCHEMA);
  family.migrate(db);
  family.migrate(db); // migrations run at every start: the second run must be harmless
  const clock = new ManualClock(START_MS);
  const sequences = new Map<string, number>();
  const deps: FamilyDeps = {
    db,
    clock,
    formatTime,
    newId(prefix, digits) {
      const value = (sequences.get(prefix) ?? 0) + 1;
      sequences.set(prefix, value);
      return prefix + String(value).padStart(digits - prefix.length, '0');
    },
    merchants: {
      get: (mchid) => MERCHANTS.find((m) => m.mchid === mchid),
      isSubMerchantOf: (parent, sub) =>
        MERCHANTS.some((m) => m.mchid === sub && m.kind === 'subMerchant' && m.parentMchid === parent),
    },
    encryptForMerchant(mchid, plaintext) {
      if (!MERCHANTS.some((m) => m.mchid === mchid && m.kind !== 'subMerchant')) {
        throw new Error(`encryptForMerchant: ${mchid} has no API certificate`);
      }
      return publicEncrypt(
        { key: merchantKeyPair().publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(plaintext, 'utf8'),
      ).toString('base64');
    },
    notify(notification) {
      db.prepare('INSERT INTO fake_outbox (at, json) VALUES (?, ?)').run(
        clock.now(),
        JSON.stringify(notification),
      );
    },
    schedule(timer: TimerRequest) {
      db.prepare('INSERT INTO fake_timers (family, kind, ref, due_at, payload) VALUES (?, ?, ?, ?, ?)').run(
        timer.family,
        timer.kind,
        timer.ref,
        timer.dueAt,
        timer.payload === undefined ? null : JSON.stringify(timer.payload),
      );
    },
    settings: { asyncStepMs: 1000, allowInsecureNotifyUrls: false, ...settings },
  };
  return {
    deps,
    clock,
    family,
    notifications: () =>
      (
        db.prepare('SELECT at, json FROM fake_outbox ORDER BY id').all() as { at: number; json: string }[]
      ).map((row) => ({ ...(JSON.parse(row.json) as OutgoingNotification), at: row.at })),
    timers: () => (db.prepare('SELECT * FROM fake_timers ORDER BY id').all() as TimerRow[]).map(toTimer),
    decryptForMerchant: (ciphertext) =>
      privateDecrypt(
        { key: merchantKeyPair().privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(ciphertext, 'base64'),
      ).toString('utf8'),
  };
}

interface TimerRow {
  id: number;
  family: string;
  kind: string;
  ref: string;
  due_at: number;
  payload: string | null;
  done: number;
}

function toTimer(row: TimerRow): RecordedTimer {
  return {
    id: row.id,
    family: row.family as DueTimer['family'],
    kind: row.kind,
    ref: row.ref,
    dueAt: row.due_at,
    ...(row.payload === null ? {} : { payload: JSON.parse(row.payload) as Record<string, unknown> }),
    done: row.done === 1,
  };
}

/** As the framework runs every handler: one BEGIN IMMEDIATE transaction, rolled back when it throws. */
export function inTransaction<T>(env: FakeEnvironment, fn: () => T): T {
  return env.deps.db.transaction(fn).immediate();
}

/**
 * Runs every timer due at `now` (default: the clock), in due order, each in its own transaction together
 * with marking it done, including timers that those handlers schedule and that are already due.
 * Returns the timers it ran.
 */
export function runDueTimers(env: FakeEnvironment, now = env.clock.now()): RecordedTimer[] {
  const ran: RecordedTimer[] = [];
  const nextDue = env.deps.db.prepare(
    'SELECT * FROM fake_timers WHERE done = 0 AND family = ? AND due_at <= ? ORDER BY due_at, id LIMIT 1',
  );
  for (;;) {
    const row = nextDue.get(env.family.family, now) as TimerRow | undefined;
    if (!row) return ran;
    const timer = toTimer(row);
    const handler = env.family.timers[timer.kind];
    if (!handler) throw new Error(`${env.family.family} has no timer handler for kind "${timer.kind}"`);
    inTransaction(env, () => {
      env.deps.db.prepare('UPDATE fake_timers SET done = 1 WHERE id = ?').run(timer.id);
      handler(env.deps, timer);
    });
    ran.push({ ...timer, done: true });
  }
}

/** Moves the clock forward and runs what fell due. */
export function advanceAndRun(env: FakeEnvironment, ms: number): RecordedTimer[] {
  env.clock.advance(ms);
  return runDueTimers(env);
}

export function callerOf(mchid: string): Caller {
  const merchant = MERCHANTS.find((m) => m.mchid === mchid);
  if (!merchant || merchant.kind === 'subMerchant') throw new Error(`no API merchant ${mchid}`);
  return { mchid, role: merchant.kind, merchant };
}

export interface CallParts {
  caller: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/**
 * Calls an operation handler the way the framework will: the request must already satisfy the catalogue
 * schema (a test that sends what the framework would reject is a broken test), then one transaction.
 */
export function callOperation(env: FakeEnvironment, name: OperationName, parts: CallParts): OperationResult {
  const operation = operations[name];
  for (const [part, schema, value] of [
    ['params', operation.params, parts.params ?? {}],
    ['query', operation.query, parts.query ?? {}],
    ['body', operation.body, parts.body],
  ] as const) {
    if (schema && !Value.Check(schema, value)) {
      const errors = Value.Errors(schema, value).map((e) => `${e.instancePath} ${e.message}`);
      throw new Error(`test request ${part} of ${name} fails the catalogue schema: ${errors.join('; ')}`);
    }
  }
  const handler = env.family.operations[name];
  if (!handler) throw new Error(`${env.family.family} has no handler for ${name}`);
  return inTransaction(env, () =>
    handler(env.deps, {
      operation,
      caller: callerOf(parts.caller),
      params: parts.params ?? {},
      query: parts.query ?? {},
      body: parts.body,
      headers: {},
    }),
  );
}

/** Calls the control action mounted at `method path-template`, with `params` filled in, in one transaction. */
export function callControl(
  env: FakeEnvironment,
  template: string,
  params: Record<string, string>,
  body?: unknown,
  method: ControlAction['method'] = 'POST',
): OperationResult {
  const action = env.family.control.find((a) => a.path === template && a.method === method);
  if (!action) throw new Error(`${env.family.family} has no control action ${method} ${template}`);
  return inTransaction(env, () => action.handler(env.deps, { params, query: {}, body }));
}

/** The error a call threw, for assertions on status, code, message and detail. */
export function errorOf(fn: () => unknown): {
  status: number;
  code: string;
  message: string;
  detail?: unknown;
} {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, code: error.code, message: error.message, detail: error.detail };
  }
  throw new Error('expected the call to throw an ApiError, but it returned');
}

/** Errors of `body` against an operation's documented response schema (empty when it conforms). */
export function responseSchemaErrors(name: OperationName, body: unknown): string[] {
  const schema = operations[name].response;
  if (!schema) return body === undefined ? [] : ['the operation documents no body'];
  return Value.Errors(schema, body).map((e) => `${e.instancePath} ${e.message}`);
}
