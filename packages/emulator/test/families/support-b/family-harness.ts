import { constants, generateKeyPairSync, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { type OperationName, operations } from '@wxpay-kit/sdk/catalogue';
import Database from 'better-sqlite3';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { expect } from 'vitest';
import { formatTime } from '../../../src/core/format-time.js';
import type {
  Caller,
  FamilyDeps,
  FamilyModule,
  MerchantInfo,
  OperationResult,
  OutgoingNotification,
  TimerRequest,
} from '../../../src/families/family.js';
import { ApiError } from '../../../src/wire/api-error.js';

/**
 * Runs one family without HTTP, the way the framework will: every operation, timer and control action inside
 * one `BEGIN IMMEDIATE` transaction, requests already valid against the catalogue, a manual clock, and the
 * notify / schedule calls recorded instead of delivered.
 */

export const PLATFORM = '1900001109';
export const SUB_A = '1900001121';
export const SUB_B = '1900001122';
export const OTHER_PLATFORM = '1900002109';
export const OTHER_SUB = '1900002121';
export const ORDINARY = '1900003109';

/** 2026-11-22T12:00:00+08:00 */
export const START_MS = Date.parse('2026-11-22T04:00:00Z');

const MERCHANTS: MerchantInfo[] = [
  {
    mchid: PLATFORM,
    kind: 'platform',
    name: '示例平台有限公司',
    appid: 'wx8888888888888888',
    subMchids: [SUB_A, SUB_B],
  },
  {
    mchid: SUB_A,
    kind: 'subMerchant',
    name: '甲二级商户有限公司',
    appid: '',
    parentMchid: PLATFORM,
    subMchids: [],
  },
  {
    mchid: SUB_B,
    kind: 'subMerchant',
    name: '乙二级商户有限公司',
    appid: '',
    parentMchid: PLATFORM,
    subMchids: [],
  },
  {
    mchid: OTHER_PLATFORM,
    kind: 'platform',
    name: '另一平台有限公司',
    appid: 'wx9999999999999999',
    subMchids: [OTHER_SUB],
  },
  {
    mchid: OTHER_SUB,
    kind: 'subMerchant',
    name: '丙二级商户有限公司',
    appid: '',
    parentMchid: OTHER_PLATFORM,
    subMchids: [],
  },
  { mchid: ORDINARY, kind: 'merchant', name: '普通商户有限公司', appid: 'wx7777777777777777', subMchids: [] },
];

export class ManualClock {
  #now: number;
  constructor(start: number) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  set(ms: number): void {
    if (ms < this.#now) throw new Error(`ManualClock: time only moves forward (${ms} < ${this.#now})`);
    this.#now = ms;
  }
}

export interface RecordedTimer extends TimerRequest {
  id: number;
  fired: boolean;
}

export interface CallInput {
  caller?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Skip the catalogue check of the request, to reach a family's own re-check of something the schema forbids. */
  unvalidated?: boolean;
}

let keyPair: { publicKey: KeyObject; privateKey: KeyObject } | undefined;
function merchantKeys() {
  keyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keyPair;
}

function describeErrors(schema: TSchema, value: unknown): string {
  return [...Value.Errors(schema, value)].map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

export interface HarnessOptions {
  asyncStepMs?: number;
  allowInsecureNotifyUrls?: boolean;
}

export function createHarness(family: FamilyModule, options: HarnessOptions = {}) {
  const db = new Database(':memory:');
  family.migrate(db);
  const clock = new ManualClock(START_MS);
  const notifications: OutgoingNotification[] = [];
  const timers: RecordedTimer[] = [];
  let idCounter = 0;
  const assertInTransaction = (what: string) => {
    if (!db.inTransaction) throw new Error(`${what} called outside a transaction`);
  };
  const deps: FamilyDeps = {
    db,
    clock,
    formatTime,
    newId(prefix, digits) {
      idCounter += 1;
      return prefix + String(idCounter).padStart(digits - prefix.length, '0');
    },
    merchants: {
      get: (mchid) => MERCHANTS.find((m) => m.mchid === mchid),
      isSubMerchantOf: (parent, sub) =>
        MERCHANTS.some((m) => m.mchid === parent && m.subMchids.includes(sub)),
    },
    encryptForMerchant: (_mchid, plaintext) =>
      publicEncrypt(
        { key: merchantKeys().publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(plaintext, 'utf8'),
      ).toString('base64'),
    notify(notification) {
      assertInTransaction('notify');
      notifications.push(structuredClone(notification));
    },
    schedule(timer) {
      assertInTransaction('schedule');
      timers.push({ ...structuredClone(timer), id: timers.length + 1, fired: false });
    },
    settings: {
      asyncStepMs: options.asyncStepMs ?? 2000,
      allowInsecureNotifyUrls: options.allowInsecureNotifyUrls ?? false,
    },
  };

  const inTransaction = <T>(fn: () => T): T => db.transaction(fn).immediate();

  function callerOf(mchid: string): Caller {
    const merchant = MERCHANTS.find((m) => m.mchid === mchid);
    if (!merchant || merchant.kind === 'subMerchant')
      throw new Error(`test setup: ${mchid} cannot call the API`);
    return { mchid, role: merchant.kind, merchant };
  }

  /** An operation as the framework runs it; a success answer is checked against the catalogue's response. */
  function call(name: OperationName, input: CallInput = {}): OperationResult {
    const operation = operations[name];
    const params = input.params ?? {};
    const query = input.query ?? {};
    if (!input.unvalidated) {
      for (const [part, schema, value] of [
        ['params', operation.params, params],
        ['query', operation.query, query],
        ['body', operation.body, input.body],
      ] as const) {
        if (schema && !Value.Check(schema, value)) {
          throw new Error(`test setup: ${name} ${part} is invalid: ${describeErrors(schema, value)}`);
        }
      }
    }
    const handler = family.operations[name];
    if (!handler) throw new Error(`family ${family.family} has no handler for ${name}`);
    const result = inTransaction(() =>
      handler(deps, {
        operation,
        caller: callerOf(input.caller ?? PLATFORM),
        params,
        query,
        body: input.body,
        headers: {},
      }),
    );
    if (operation.response && result.status === 200 && !Value.Check(operation.response, result.body)) {
      throw new Error(
        `${name} answered outside its catalogue schema: ${describeErrors(operation.response, result.body)}`,
      );
    }
    return result;
  }

  /** A control action by method and path template, as FRAMEWORK mounts it. */
  function control(method: 'GET' | 'POST', path: string, params: Record<string, string>, body?: unknown) {
    const action = family.control.find((a) => a.method === method && a.path === path);
    if (!action) throw new Error(`family ${family.family} has no control action ${method} ${path}`);
    return inTransaction(() => action.handler(deps, { params, query: {}, body }));
  }

  /** Moves the clock to `target`, firing each due timer at its own due time, in due order (like the scheduler). */
  function advanceTo(target: number): number {
    let fired = 0;
    for (;;) {
      const next = timers
        .filter((t) => !t.fired && t.dueAt <= target)
        .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)[0];
      if (!next) break;
      if (next.dueAt > clock.now()) clock.set(next.dueAt);
      next.fired = true;
      const handler = family.timers[next.kind];
      if (!handler) throw new Error(`family ${family.family} has no timer handler ${next.kind}`);
      inTransaction(() => handler(deps, { ...structuredClone(next), id: next.id }));
      fired += 1;
    }
    if (target > clock.now()) clock.set(target);
    return fired;
  }

  return {
    db,
    deps,
    clock,
    notifications,
    timers,
    call,
    control,
    advanceTo,
    advanceBy: (ms: number) => advanceTo(clock.now() + ms),
    pendingTimers: () => timers.filter((t) => !t.fired),
    decryptForMerchant: (ciphertext: string) =>
      privateDecrypt(
        { key: merchantKeys().privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(ciphertext, 'base64'),
      ).toString('utf8'),
  };
}

export type Harness = ReturnType<typeof createHarness>;

/** Runs `fn`, expects it to throw an ApiError with this status and code, and returns the error. */
export function expectApiError(fn: () => unknown, status: number, code: string): ApiError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ApiError ${status} ${code}`).toBeInstanceOf(ApiError);
  const error = thrown as ApiError;
  expect({ status: error.status, code: error.code }, error.message).toEqual({ status, code });
  return error;
}
