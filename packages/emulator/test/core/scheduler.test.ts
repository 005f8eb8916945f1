import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNotification, PlatformKeyring } from '@wxpay-kit/sdk/protocol';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/core/create-runtime.js';
import { insertTimer } from '../../src/core/family-deps.js';
import { type DueWork, Scheduler } from '../../src/core/scheduler.js';
import { VirtualClock, type VirtualClockOptions } from '../../src/core/virtual-clock.js';
import { migrate } from '../../src/db/migrate.js';
import { MEMORY, openDatabase } from '../../src/db/open-database.js';
import type { FamilyDeps, FamilyModule } from '../../src/families/family.js';
import { enqueueNotification } from '../../src/notify/outbox.js';
import { startMerchantServer } from '../notify/merchant-server.js';
import { createHarness, type Harness, START_MS } from '../support/framework-harness.js';
import { until } from '../support/held-fetch.js';
import { testFamily } from '../support/test-family.js';

interface Delivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

function capturingFetch(deliveries: Delivery[], status = 204): typeof fetch {
  return async (input, init) => {
    deliveries.push({
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: String(init?.body),
    });
    return new Response(null, { status });
  };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const APPLY = '/v3/platsolution/ecommerce/recharges/apply';
function applyBody(harness: Harness, no: string, notifyUrl?: string) {
  return JSON.stringify({
    sub_mchid: harness.credentials.merchants.platform.subMerchants[0]!.mchid,
    out_recharge_no: no,
    recharge_scene: 'ECOMMERCE_DEPOSIT',
    account_type: 'DEPOSIT',
    recharge_amount: { amount: 100, currency: 'CNY' },
    ...(notifyUrl ? { notify_url: notifyUrl } : {}),
  });
}

describe('Scheduler', () => {
  it('clock advance runs a due timer at its due time, then the notification it queued', async () => {
    const deliveries: Delivery[] = [];
    h = await createHarness({ rateLimits: false, fetch: capturingFetch(deliveries) });
    const created = await h.call('platform', {
      method: 'POST',
      url: APPLY,
      body: applyBody(h, 'CZ1', 'https://merchant.example/notify'),
    });
    expect(created.statusCode).toBe(200);

    const early = await h.control('POST', '/_emulator/clock/advance', { seconds: 30 });
    expect(early.json().ran).toEqual({ timers: [], notificationAttempts: 0, inFlight: [] });
    expect(h.runtime.db.prepare('SELECT state FROM test_items').get()).toEqual({ state: 'RECHARGING' });

    const res = await h.control('POST', '/_emulator/clock/advance', { seconds: 3600 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.now).toBe(START_MS + 3_630_000);
    expect(body.ran.timers).toEqual([
      {
        id: expect.any(Number),
        family: 'recharges',
        kind: 'expire',
        ref: 'CZ1',
        dueAt: START_MS + 60_000,
        outcome: 'done',
      },
    ]);
    expect(body.ran.notificationAttempts).toBe(1);
    // The handler saw `now` equal to the due time, not the end of the advance.
    expect(h.runtime.db.prepare('SELECT state, updated_at FROM test_items').get()).toEqual({
      state: 'CLOSED',
      updated_at: START_MS + 60_000,
    });
    expect(deliveries).toHaveLength(1);
    const opened = await openNotification({
      headers: deliveries[0]!.headers,
      body: deliveries[0]!.body,
      keyring: new PlatformKeyring({
        publicKey: { id: h.credentials.platform.publicKeyId, key: h.credentials.platform.publicKeyPem },
      }),
      apiV3Key: h.credentials.merchants.platform.apiV3Key,
      now: Math.floor(Date.now() / 1000),
    });
    expect(opened.resource).toMatchObject({
      out_recharge_no: 'CZ1',
      recharge_state: 'CLOSED',
      close_time: '2030-01-01T08:01:00.000+08:00',
    });
  });

  it('runs timers in due order, and a failing handler is rolled back, marked failed and does not stop the rest', async () => {
    h = await createHarness({ rateLimits: false });
    const { db } = h.runtime;
    db.exec(
      `INSERT INTO test_items (no, mchid, state, updated_at) VALUES ('A', 'm', 'RECHARGING', 0), ('B', 'm', 'RECHARGING', 0)`,
    );
    insertTimer(db, { family: 'recharges', kind: 'expire', ref: 'B', dueAt: START_MS + 2_000 });
    insertTimer(db, { family: 'recharges', kind: 'crash', ref: 'X', dueAt: START_MS + 1_500 });
    insertTimer(db, { family: 'recharges', kind: 'expire', ref: 'A', dueAt: START_MS + 1_000 });
    insertTimer(db, { family: 'recharges', kind: 'unknownKind', ref: 'Y', dueAt: START_MS + 1_200 });
    const report = await h.runtime.scheduler.advanceBy(5_000);
    expect(report.timers.map((t) => [t.ref, t.outcome])).toEqual([
      ['A', 'done'],
      ['Y', 'failed'],
      ['X', 'failed'],
      ['B', 'done'],
    ]);
    expect(report.timers[1]!.error).toContain('no timer handler recharges.unknownKind');
    expect(
      db.prepare(`SELECT ref, state, error IS NOT NULL AS has_error FROM timers ORDER BY due_at`).all(),
    ).toEqual([
      { ref: 'A', state: 'done', has_error: 0 },
      { ref: 'Y', state: 'failed', has_error: 1 },
      { ref: 'X', state: 'failed', has_error: 1 },
      { ref: 'B', state: 'done', has_error: 0 },
    ]);
    // Nothing left due: another advance runs nothing.
    expect((await h.runtime.scheduler.advanceBy(1_000)).timers).toEqual([]);
  });

  it('in real-time mode a timer fires by itself once its time has come', async () => {
    h = await createHarness({ rateLimits: false, clock: { mode: 'real' } });
    const { db, scheduler, clock } = h.runtime;
    db.exec(`INSERT INTO test_items (no, mchid, state, updated_at) VALUES ('R', 'm', 'RECHARGING', 0)`);
    insertTimer(db, { family: 'recharges', kind: 'expire', ref: 'R', dueAt: clock.now() + 150 });
    scheduler.start();
    const deadline = Date.now() + 5_000;
    while ((db.prepare('SELECT state FROM test_items').get() as { state: string }).state !== 'CLOSED') {
      if (Date.now() > deadline) throw new Error('the timer did not fire within 5 s of real time');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });

  it('timers survive a restart: a new runtime on the same data dir fires what came due', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-sched-'));
    try {
      const first = await createRuntime({
        dataDir: dir,
        families: [testFamily],
        clock: { mode: 'manual', start: START_MS },
      });
      first.db.exec(
        `INSERT INTO test_items (no, mchid, state, updated_at) VALUES ('P', 'm', 'RECHARGING', 0)`,
      );
      insertTimer(first.db, { family: 'recharges', kind: 'expire', ref: 'P', dueAt: START_MS + 10_000 });
      await first.close();

      const second = await createRuntime({ dataDir: dir, families: [testFamily], clock: { mode: 'manual' } });
      try {
        expect(second.clock.now()).toBe(START_MS);
        const report = await second.scheduler.advanceBy(10_000);
        expect(report.timers.map((t) => t.ref)).toEqual(['P']);
        expect(second.db.prepare('SELECT state FROM test_items').get()).toEqual({ state: 'CLOSED' });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a control action runs in one transaction, and what it queues runs right after', async () => {
    h = await createHarness({ rateLimits: false });
    await h.call('platform', { method: 'POST', url: APPLY, body: applyBody(h, 'CZ9') });
    const paid = await h.control('POST', '/_emulator/recharges/CZ9/pay', { channel: 'QR_RECHARGE' });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toEqual({ no: 'CZ9', state: 'SUCCESS', body: { channel: 'QR_RECHARGE' } });
    const again = await h.control('POST', '/_emulator/recharges/CZ9/pay');
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ code: 'INVALID_REQUEST', message: 'item is SUCCESS' });
    // The expire timer now finds the item paid and does nothing.
    const report = await h.runtime.scheduler.advanceBy(120_000);
    expect(report.timers.map((t) => t.outcome)).toEqual(['done']);
    expect(h.runtime.db.prepare('SELECT state FROM test_items').get()).toEqual({ state: 'SUCCESS' });
  });
});

function closedNotification(harness: Harness, url: string, no: string) {
  return {
    mchid: harness.credentials.merchants.platform.mchid,
    url,
    eventType: 'RECHARGE.CLOSED',
    summary: '充值单已关闭',
    originalType: 'recharge',
    associatedData: 'recharge',
    resource: { out_recharge_no: no, recharge_state: 'CLOSED' },
    family: 'recharges' as const,
    resourceKey: no,
  };
}

describe('Scheduler and slow merchants', () => {
  it('a due timer does not wait behind deliveries to a merchant that never answers', async () => {
    const receiver = await startMerchantServer(() => 'hang');
    try {
      h = await createHarness({ rateLimits: false });
      const { db, clock, scheduler } = h.runtime;
      for (const no of ['N1', 'N2', 'N3'])
        enqueueNotification(db, clock.now(), closedNotification(h, receiver.url, no));
      db.exec(`INSERT INTO test_items (no, mchid, state, updated_at) VALUES ('T', 'm', 'RECHARGING', 0)`);
      insertTimer(db, { family: 'recharges', kind: 'expire', ref: 'T', dueAt: clock.now() + 1_000 });
      clock.set(clock.now() + 2_000);
      const timerState = () =>
        (db.prepare(`SELECT state FROM timers WHERE ref = 'T'`).get() as { state: string }).state;

      const run = scheduler.runDue();
      // Each attempt may take the whole 5 s answer window: the timer must not queue behind any of them.
      await until(() => timerState() !== 'pending', 'the timer fired');
      expect(timerState()).toBe('done');
      await h.close();
      h = undefined;
      await run;
    } finally {
      await receiver.close();
    }
  });
});

/**
 * A scheduler on an empty in-memory database, driving a stand-in for the delivery worker (by default: nothing in
 * flight, nothing to dispatch), with advanceWaitMs long enough never to run out by itself.
 */
async function withStandInWorker(
  clockOptions: Omit<VirtualClockOptions, 'db'>,
  worker: (clock: VirtualClock) => Partial<DueWork>,
  test: (scheduler: Scheduler, clock: VirtualClock, db: BetterSqlite3.Database) => Promise<void>,
  families: FamilyModule[] = [],
): Promise<void> {
  const db = openDatabase(MEMORY);
  migrate(db, []);
  const clock = new VirtualClock({ ...clockOptions, db });
  const scheduler = new Scheduler({
    db,
    clock,
    families,
    familyDeps: {} as FamilyDeps,
    worker: {
      attemptsMade: 0,
      nextDueAt: () => undefined,
      nextDueAfter: () => undefined,
      pause: () => () => undefined,
      dispatchDue: () => [],
      inFlight: () => [],
      waitForSettle: async () => true,
      ...worker(clock),
    },
    logger: pino({ level: 'silent' }),
    advanceWaitMs: 60_000,
  });
  try {
    await test(scheduler, clock, db);
  } finally {
    await scheduler.stop();
    db.close();
  }
}

/** One attempt in flight until `release()`; `waiting` resolves once an advance waits for it. */
function heldAttempt(clock: VirtualClock) {
  let flight = [{ id: 1, url: 'https://merchant.example/notify', dueAt: clock.now() }];
  let release: () => void = () => undefined;
  let waitingNow: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => {
    waitingNow = resolve;
  });
  const answered = new Promise<boolean>((resolve) => {
    release = () => {
      flight = [];
      resolve(true);
    };
  });
  const worker: Partial<DueWork> = {
    inFlight: () => flight,
    waitForSettle: () => {
      waitingNow();
      return answered;
    },
  };
  return { worker, waiting, release };
}

describe('Scheduler clock advances', () => {
  it('advanceBy measures the advance from when it runs, not from when it was asked for', async () => {
    let wall = START_MS;
    let held: ReturnType<typeof heldAttempt> | undefined;
    await withStandInWorker(
      { mode: 'real', wallNow: () => wall },
      (clock) => {
        // One attempt is in flight; its answer takes as long as the test says, and an advance waits for it.
        held = heldAttempt(clock);
        return held.worker;
      },
      async (scheduler, clock) => {
        const busy = scheduler.advanceBy(0);
        await held!.waiting;
        const advanced = scheduler.advanceBy(3_000);
        // The advance ahead of it keeps the scheduler busy for 5 s of real time.
        wall += 5_000;
        held!.release();
        await busy;
        const report = await advanced;
        expect(clock.snapshot().offsetMs).toBe(3_000);
        expect(report.now).toBe(wall + 3_000);
      },
    );
  });

  it('an attempt going slow wakes an advance to start others, but does not restart its wait for answers', async () => {
    const deadlines: number[] = [];
    await withStandInWorker(
      { mode: 'manual', start: START_MS },
      (clock) => {
        let flight = [{ id: 1, url: 'https://dead.example/notify', dueAt: clock.now() }];
        return {
          inFlight: () => flight,
          // Three wake-ups that are not answers (attempts going slow), then the wait runs out.
          waitForSettle: async (deadline) => {
            deadlines.push(deadline);
            if (deadlines.length < 4) return true;
            flight = [];
            return false;
          },
        };
      },
      async (scheduler) => {
        await scheduler.advanceBy(1_000);
      },
    );
    expect(deadlines).toHaveLength(4);
    expect(new Set(deadlines).size).toBe(1);
  });
});

describe('Scheduler clock advances past work that cannot start', () => {
  it('a notification whose destination has no free slot does not make an advance skip the timers after it', async () => {
    const firedAt: Record<string, number> = {};
    let clockRef: VirtualClock | undefined;
    // A family of one timer that notes the virtual time it fired at.
    const family = {
      family: 'recharges',
      timers: { note: (_deps: FamilyDeps, timer: { ref: string }) => (firedAt[timer.ref] = clockRef!.now()) },
    } as unknown as FamilyModule;
    await withStandInWorker(
      { mode: 'manual', start: START_MS },
      (clock) => {
        clockRef = clock;
        // A notification due since the start whose destination stays at its bound: it never starts. Another one
        // falls due 3 s in, to a destination with room.
        return {
          nextDueAt: () => START_MS,
          nextDueAfter: (after: number) => (after < START_MS + 3_000 ? START_MS + 3_000 : undefined),
        };
      },
      async (scheduler, _clock, db) => {
        insertTimer(db, { family: 'recharges', kind: 'note', ref: 'at-1s', dueAt: START_MS + 1_000 });
        insertTimer(db, { family: 'recharges', kind: 'note', ref: 'at-4s', dueAt: START_MS + 4_000 });
        const report = await scheduler.advanceBy(10_000);
        expect(report.now).toBe(START_MS + 10_000);
      },
      [family],
    );
    // Each timer ran at its own due time, not at the advance's target.
    expect(firedAt).toEqual({ 'at-1s': START_MS + 1_000, 'at-4s': START_MS + 4_000 });
  });
});

describe('Scheduler wakes', () => {
  it('wakes during a long advance queue one pass behind it, not one pass per wake', async () => {
    let dispatches = 0;
    let held: ReturnType<typeof heldAttempt> | undefined;
    await withStandInWorker(
      { mode: 'manual', start: START_MS },
      (clock) => {
        held = heldAttempt(clock);
        return {
          ...held.worker,
          dispatchDue: () => {
            dispatches++;
            return [];
          },
        };
      },
      async (scheduler) => {
        const advance = scheduler.advanceBy(1_000);
        await held!.waiting;
        // Every settled attempt wakes the scheduler: a thousand answers during one advance are a thousand wakes.
        for (let i = 0; i < 20; i++) {
          scheduler.wake();
          await new Promise((resolve) => setImmediate(resolve));
        }
        const before = dispatches;
        held!.release();
        await advance;
        const after = await scheduler.exclusive(() => dispatches);
        // The advance's last steps (at the due time, at the target), then one queued pass; one pass per wake was 22.
        expect(after - before).toBeLessThanOrEqual(4);
      },
    );
  });
});

describe('Scheduler timer firing', () => {
  it('a timer whose transaction cannot start (SQLITE_BUSY) stays pending and fires on a later run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-sched-busy-'));
    const runtime = await createRuntime({
      dataDir: dir,
      families: [testFamily],
      clock: { mode: 'manual', start: START_MS },
    });
    const other = new BetterSqlite3(join(dir, 'emulator.sqlite'));
    try {
      runtime.db.exec(
        `INSERT INTO test_items (no, mchid, state, updated_at) VALUES ('L', 'm', 'RECHARGING', 0)`,
      );
      insertTimer(runtime.db, { family: 'recharges', kind: 'expire', ref: 'L', dueAt: START_MS + 1_000 });
      runtime.clock.set(START_MS + 2_000);
      // Another process holds the write lock; do not wait for it.
      runtime.db.pragma('busy_timeout = 0');
      other.exec('BEGIN IMMEDIATE');
      const blocked = await runtime.scheduler.runDue();
      expect(blocked.timers).toEqual([]);
      other.exec('ROLLBACK');
      expect(runtime.db.prepare(`SELECT state FROM timers WHERE ref = 'L'`).get()).toEqual({
        state: 'pending',
      });
      const report = await runtime.scheduler.runDue();
      expect(report.timers.map((t) => [t.ref, t.outcome])).toEqual([['L', 'done']]);
      expect(runtime.db.prepare(`SELECT state FROM test_items WHERE no = 'L'`).get()).toEqual({
        state: 'CLOSED',
      });
    } finally {
      other.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
