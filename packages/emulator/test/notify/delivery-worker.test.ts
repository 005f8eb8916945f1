import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { notifications } from '@wxpay-kit/sdk/catalogue';
import { openNotification, verifySignedMessage } from '@wxpay-kit/sdk/protocol';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { formatTime } from '../../src/core/format-time.js';
import type { Database } from '../../src/families/family.js';
import type { DeliveryWorker } from '../../src/notify/delivery-worker.js';
import { enqueueNotification, migrateOutbox } from '../../src/notify/outbox.js';
import { setRetrySchedule } from '../../src/notify/retry-schedule.js';
import { heldFetch, until } from '../support/held-fetch.js';
import { countingRowsRead } from '../support/rows-read.js';
import {
  API_V3_KEY,
  buildWorker,
  generatePlatformKeys,
  ManualClock,
  MCHID,
  memoryDb,
  nowSeconds,
  type PlatformKeys,
  START,
  transferBillNotification,
} from './delivery-fixture.js';
import { closedPortUrl, type MerchantServer, type Reply, startMerchantServer } from './merchant-server.js';

let keys: PlatformKeys;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  keys = generatePlatformKeys();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function merchant(
  reply: (request: MerchantServer['requests'][number], index: number) => Reply | Promise<Reply>,
  options?: { delayMs?: number },
): Promise<MerchantServer> {
  const server = await startMerchantServer(reply, options);
  cleanups.push(() => server.close());
  return server;
}

function setup(
  options: {
    timeoutMs?: number;
    probe?: boolean;
    db?: Database;
    concurrency?: number;
    perDestination?: number;
    slowAfterMs?: number;
    fetch?: typeof fetch;
  } = {},
) {
  const db = options.db ?? memoryDb();
  const clock = new ManualClock();
  const worker = buildWorker(keys, {
    db,
    clock,
    probeFirstAttempt: () => options.probe === true,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.perDestination ? { perDestination: options.perDestination } : {}),
    ...(options.slowAfterMs === undefined ? {} : { slowAfterMs: options.slowAfterMs }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  cleanups.push(() => worker.close());
  return { db, clock, worker };
}

/** What a correct merchant does: verify over the raw body, then decrypt. */
async function verifyAndOpen(request: MerchantServer['requests'][number]) {
  return openNotification({
    headers: request.headers,
    body: request.body,
    keyring: keys.keyring,
    apiV3Key: API_V3_KEY,
    now: nowSeconds(),
  });
}

function states(worker: DeliveryWorker, id: number) {
  const record = worker.get(id);
  if (!record) throw new Error(`notification ${id} is missing`);
  return record;
}

describe('DeliveryWorker delivery', () => {
  test('delivers a notification the merchant verifies with the platform key and decrypts with its APIv3 key', async () => {
    const server = await merchant(() => 200);
    const { db, clock, worker } = setup();
    const notification = transferBillNotification(server.url);
    const id = enqueueNotification(db, clock.now(), notification);

    expect(await worker.runDue()).toBe(1);

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/notify');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Mozilla/4.0');
    expect(request.headers['request-id']).toMatch(/^[0-9A-F]{44}-0$/);
    await expect(
      verifySignedMessage({
        headers: request.headers,
        body: request.body,
        keyring: keys.keyring,
        now: nowSeconds(),
      }),
    ).resolves.toBeUndefined();
    const { envelope, resource } = await verifyAndOpen(request);
    expect(resource).toEqual(notification.resource);
    expect(envelope).toMatchObject({
      id: worker.get(id)?.eventId,
      create_time: formatTime(START),
      resource_type: 'encrypt-resource',
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      summary: '商家转账单据终态通知',
      resource: {
        original_type: 'mch_payment',
        algorithm: 'AEAD_AES_256_GCM',
        associated_data: 'mch_payment',
      },
    });
    expect(envelope.resource.nonce).toMatch(/^[0-9A-Za-z]{12}$/);
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);

    const record = states(worker, id);
    expect(record.state).toBe('delivered');
    expect(record.deliveredAt).toBe(START);
    expect(record.nextDueAt).toBeNull();
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]).toMatchObject({
      attemptNo: 1,
      kind: 'scheduled',
      scheduledAt: START,
      attemptedAt: START,
      httpStatus: 200,
      error: null,
      probe: false,
      ok: true,
      requestId: request.headers['request-id'],
    });
    expect(worker.nextDueAt()).toBeUndefined();
    expect(await worker.runDue()).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  test('does nothing before the first attempt is due', async () => {
    const server = await merchant(() => 200);
    const { db, clock, worker } = setup();
    setRetrySchedule(db, 'transferBills', [30, 15]);
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    expect(worker.nextDueAt()).toBe(START + 30_000);
    clock.advance(29_999);
    expect(await worker.runDue()).toBe(0);
    clock.advance(1);
    expect(await worker.runDue()).toBe(1);
    expect(states(worker, id).state).toBe('delivered');
  });
});

describe('DeliveryWorker retries', () => {
  test('retries on the schedule: short of the delay nothing, exactly at it one attempt, a big jump the rest in order', async () => {
    const server = await merchant(() => 500);
    const { db, clock, worker } = setup();
    setRetrySchedule(db, 'transferBills', [0, 60, 120, 300]);
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));

    expect(await worker.runDue()).toBe(1);
    expect(worker.nextDueAt()).toBe(START + 60_000);
    clock.advance(59_999);
    expect(await worker.runDue()).toBe(0);
    clock.advance(1);
    expect(await worker.runDue()).toBe(1);
    expect(states(worker, id).state).toBe('pending');
    expect(worker.nextDueAt()).toBe(START + 180_000);

    clock.advance(86_400_000);
    expect(await worker.runDue()).toBe(2);

    const record = states(worker, id);
    expect(record.state).toBe('failed');
    expect(record.nextDueAt).toBeNull();
    expect(record.attempts).toHaveLength(4);
    expect(record.attempts.map((a) => a.scheduledAt)).toEqual([
      START,
      START + 60_000,
      START + 180_000,
      START + 480_000,
    ]);
    expect(record.attempts.map((a) => a.attemptedAt)).toEqual([
      START,
      START + 60_000,
      START + 60_000 + 86_400_000,
      START + 60_000 + 86_400_000,
    ]);
    expect(record.attempts.every((a) => a.httpStatus === 500 && !a.ok)).toBe(true);
    expect(record.attempts[0]?.responseExcerpt).toBe('{"code":"FAIL","message":"失败"}');
    expect(server.requests).toHaveLength(4);
    expect(worker.nextDueAt()).toBeUndefined();
    expect(await worker.runDue()).toBe(0);
  });

  test('runs the catalogue schedule for transferBills (65 attempts) in order over a one-day jump', async () => {
    const server = await merchant(() => 503);
    const { db, clock, worker } = setup();
    const schedule = notifications.transferBills.retrySchedule;
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));

    clock.advance(86_400_000);
    expect(await worker.runDue()).toBe(schedule.length);

    const record = states(worker, id);
    expect(record.state).toBe('failed');
    expect(record.attempts).toHaveLength(schedule.length);
    let due = START;
    const expected = schedule.map((delay) => {
      due += delay * 1000;
      return due;
    });
    expect(record.attempts.map((a) => a.scheduledAt)).toEqual(expected);
    expect(record.attempts.map((a) => a.attemptNo)).toEqual(schedule.map((_, i) => i + 1));
    // Every attempt resends the same bytes: one envelope id, one ciphertext.
    expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
  });

  const failures: [string, Reply | 'closed port', RegExp | number][] = [
    ['HTTP 500', 500, 500],
    ['a 4xx', 400, 400],
    ['a redirect', 302, 302],
    ['a server that hangs past the timeout', 'hang', /^timeout: no answer within 300 ms$/],
    ['a closed port', 'closed port', /ECONNREFUSED/],
  ];
  test.each(failures)(
    '%s is a failed attempt, retried on the schedule until failed',
    async (_, reply, expected) => {
      let url: string;
      let requests = () => 0;
      if (reply === 'closed port') {
        url = await closedPortUrl();
      } else {
        const server = await merchant(() => reply);
        url = server.url;
        requests = () => server.requests.length;
      }
      const { db, clock, worker } = setup({ timeoutMs: 300 });
      setRetrySchedule(db, 'transferBills', [0, 10]);
      const id = enqueueNotification(db, clock.now(), transferBillNotification(url));

      expect(await worker.runDue()).toBe(1);
      let record = states(worker, id);
      expect(record.state).toBe('pending');
      expect(record.nextDueAt).toBe(START + 10_000);
      const [first] = record.attempts;
      if (typeof expected === 'number') {
        expect(first).toMatchObject({ httpStatus: expected, error: null, ok: false });
      } else {
        expect(first).toMatchObject({ httpStatus: null, ok: false });
        expect(first?.error).toMatch(expected);
      }
      if (reply === 'hang') expect(first?.durationMs).toBeGreaterThanOrEqual(250);

      clock.advance(10_000);
      expect(await worker.runDue()).toBe(1);
      record = states(worker, id);
      expect(record.state).toBe('failed');
      expect(record.attempts).toHaveLength(2);
      if (reply !== 'closed port') expect(requests()).toBe(2);
    },
  );

  test('delivered on the first 2xx after failures; no further attempts', async () => {
    const server = await merchant((_, index) => (index < 2 ? 500 : 204));
    const { db, clock, worker } = setup();
    setRetrySchedule(db, 'transferBills', [0, 15, 15, 30]);
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    clock.advance(3_600_000);
    expect(await worker.runDue()).toBe(3);
    const record = states(worker, id);
    expect(record.state).toBe('delivered');
    expect(record.attemptsMade).toBe(3);
    expect(record.attempts.map((a) => a.httpStatus)).toEqual([500, 500, 204]);
    expect(record.deliveredAt).toBe(START + 3_600_000);
    clock.advance(3_600_000);
    expect(await worker.runDue()).toBe(0);
  });

  test('a merchant without an APIv3 key gets nothing: one logged attempt, then failed', async () => {
    const server = await merchant(() => 200);
    const { db, clock, worker } = setup();
    const id = enqueueNotification(db, clock.now(), {
      ...transferBillNotification(server.url),
      mchid: '1900000099',
    });
    expect(await worker.runDue()).toBe(1);
    const record = states(worker, id);
    expect(record.state).toBe('failed');
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]?.error).toMatch(/^not sent: merchant 1900000099 has no APIv3 key/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('DeliveryWorker probe mode', () => {
  test('the first attempt carries a WECHATPAY/SIGNTEST/ signature that fails verification; the retry is valid', async () => {
    const server = await merchant(async (request) => {
      try {
        await verifyAndOpen(request);
        return 200;
      } catch {
        return 401;
      }
    });
    const { db, clock, worker } = setup({ probe: true });
    setRetrySchedule(db, 'transferBills', [0, 15, 15]);
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));

    expect(await worker.runDue()).toBe(1);
    const probe = server.requests[0]!;
    expect(probe.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
    await expect(
      verifySignedMessage({
        headers: probe.headers,
        body: probe.body,
        keyring: keys.keyring,
        now: nowSeconds(),
      }),
    ).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });

    clock.advance(15_000);
    expect(await worker.runDue()).toBe(1);
    const retry = server.requests[1]!;
    expect(retry.headers['wechatpay-signature']).not.toMatch(/^WECHATPAY\/SIGNTEST\//);
    const { resource } = await verifyAndOpen(retry);
    expect(resource).toMatchObject({ out_bill_no: 'plfk2020042013' });

    const record = states(worker, id);
    expect(record.state).toBe('delivered');
    expect(record.attempts.map((a) => [a.probe, a.httpStatus])).toEqual([
      [true, 401],
      [false, 200],
    ]);
  });

  test('a merchant that accepts a probe is delivered to, and the worker warns that it does not verify', async () => {
    const server = await merchant(() => 200);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const db = memoryDb();
    const clock = new ManualClock();
    const worker = buildWorker(keys, { db, clock, probeFirstAttempt: () => true, logger: pino(sink) });
    cleanups.push(() => worker.close());
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    expect(await worker.runDue()).toBe(1);
    expect(states(worker, id).state).toBe('delivered');
    expect(lines.join('')).toContain('notification accepted despite an invalid (probe) signature');
  });
});

describe('DeliveryWorker redeliver', () => {
  test('redeliver sends the same envelope id again to a delivered notification and logs it', async () => {
    const server = await merchant((_, index) => (index === 0 ? 200 : 500));
    const { db, clock, worker } = setup();
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    await worker.runDue();
    clock.advance(5_000);

    const attempt = await worker.redeliver(id);
    expect(attempt).toMatchObject({
      attemptNo: 2,
      kind: 'redeliver',
      scheduledAt: START + 5_000,
      attemptedAt: START + 5_000,
      httpStatus: 500,
      ok: false,
      probe: false,
    });
    const record = states(worker, id);
    // A failed redelivery does not undo an earlier delivery.
    expect(record.state).toBe('delivered');
    expect(record.attempts).toHaveLength(2);
    const ids = server.requests.map((r) => JSON.parse(r.body).id);
    expect(ids).toEqual([record.eventId, record.eventId]);
  });

  test('redeliver makes a failed notification delivered on a 2xx', async () => {
    let answer = 500;
    const server = await merchant(() => answer);
    const { db, clock, worker } = setup();
    setRetrySchedule(db, 'transferBills', [0]);
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    await worker.runDue();
    expect(states(worker, id).state).toBe('failed');

    answer = 200;
    clock.advance(60_000);
    const attempt = await worker.redeliver(id);
    expect(attempt).toMatchObject({ kind: 'redeliver', httpStatus: 200, ok: true });
    const record = states(worker, id);
    expect(record.state).toBe('delivered');
    expect(record.deliveredAt).toBe(START + 60_000);
    expect(record.attempts.map((a) => a.kind)).toEqual(['scheduled', 'redeliver']);
    await verifyAndOpen(server.requests[1]!);
  });

  test('redeliver of an unknown or malformed id is refused by name', async () => {
    const { worker } = setup();
    await expect(worker.redeliver(999)).rejects.toThrow(
      'DeliveryWorker.redeliver: no notification with id 999',
    );
    await expect(worker.redeliver(1.5)).rejects.toThrow('id must be a positive integer, got 1.5');
  });
});

describe('DeliveryWorker concurrency', () => {
  test('two concurrent runDue calls deliver once: an attempt in flight is not made again', async () => {
    const server = await merchant(() => 200, { delayMs: 50 });
    const { db, clock, worker } = setup();
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    const counts = await Promise.all([worker.runDue(), worker.runDue()]);
    expect(counts[0]! + counts[1]!).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(states(worker, id).attempts).toHaveLength(1);
  });

  test('a merchant that never answers delays only itself: others are delivered meanwhile', async () => {
    const dead = await merchant(() => 'hang');
    const healthy = await merchant(() => 200);
    const { db, clock, worker } = setup();
    const stuck = ['d1', 'd2', 'd3', 'd4'].map((no) =>
      enqueueNotification(db, clock.now(), transferBillNotification(dead.url, no)),
    );
    const fine = enqueueNotification(db, clock.now(), transferBillNotification(healthy.url, 'h1'));
    const run = worker.runDue();
    await until(
      () => states(worker, fine).state === 'delivered',
      'the healthy merchant got its notification',
    );
    expect(worker.inFlight().map((a) => a.id)).toEqual(stuck);
    await until(() => dead.requests.length === 4, 'the dead merchant got all four at once');
    await worker.close();
    await run;
  });

  test('attempts to one destination are bounded, and so are all attempts together', async () => {
    const slow = await merchant(() => 200, { delayMs: 100 });
    const { db, clock, worker } = setup({ concurrency: 3, perDestination: 2 });
    for (const no of ['a1', 'a2', 'a3', 'a4', 'a5'])
      enqueueNotification(db, clock.now(), transferBillNotification(slow.url, no));
    const other = await merchant(() => 200, { delayMs: 100 });
    for (const no of ['b1', 'b2', 'b3'])
      enqueueNotification(db, clock.now(), transferBillNotification(other.url, no));
    expect(worker.dispatchDue().length).toBe(3);
    expect(worker.inFlight().length).toBe(3);
    expect(await worker.runDue()).toBe(5);
    expect(slow.maxConcurrent).toBe(2);
    expect(other.maxConcurrent).toBeLessThanOrEqual(2);
    expect(slow.requests.length + other.requests.length).toBe(8);
  });

  test('a destination at its bound with a long backlog due first hides no one: one dispatch reads a few rows and starts the others', async () => {
    const dead = await merchant(() => 'hang');
    const healthy = await merchant(() => 200);
    const counting = countingRowsRead(memoryDb());
    const { clock, worker } = setup({ db: counting.db, perDestination: 2 });
    const { db } = counting;
    // The dead merchant's backlog, all due before the healthy merchant's notifications.
    db.transaction(() => {
      for (let i = 0; i < 3000; i++)
        enqueueNotification(db, clock.now(), transferBillNotification(dead.url, `d${i}`));
    })();
    clock.advance(1);
    const first = enqueueNotification(db, clock.now(), transferBillNotification(healthy.url, 'h1'));
    expect(worker.dispatchDue()).toHaveLength(3);
    expect(worker.inFlight().map((attempt) => attempt.id)).toContain(first);
    await until(() => states(worker, first).state === 'delivered', 'the healthy merchant got h1');
    await until(() => worker.inFlight().length === 2, 'h1 settled');

    // The dead merchant holds both of its slots; the next healthy notification is found without reading its backlog.
    const second = enqueueNotification(db, clock.now(), transferBillNotification(healthy.url, 'h2'));
    counting.reset();
    expect(worker.dispatchDue()).toHaveLength(1);
    expect(worker.inFlight().map((attempt) => attempt.id)).toContain(second);
    // One index seek per destination (2, and the one that finds no more), then h2's row.
    expect(counting.rows()).toBeLessThanOrEqual(4);
    await until(() => states(worker, second).state === 'delivered', 'the healthy merchant got h2');
    await until(() => dead.requests.length >= 2, 'the dead merchant received its two attempts');
    expect(dead.requests).toHaveLength(2);
  });

  test('more merchants that never answer than the overall bound holds do not hold up a healthy one', async () => {
    const dead = [await merchant(() => 'hang'), await merchant(() => 'hang')];
    const healthy = await merchant(() => 200);
    // Two dead destinations fill the overall bound (4) with their own bound (2) each; the answer window is long.
    const { db, clock, worker } = setup({
      concurrency: 4,
      perDestination: 2,
      timeoutMs: 600_000,
      slowAfterMs: 1,
    });
    for (const [i, server] of dead.entries())
      for (const no of ['a', 'b', 'c'])
        enqueueNotification(db, clock.now(), transferBillNotification(server.url, `d${i}${no}`));
    clock.advance(1);
    const fine = enqueueNotification(db, clock.now(), transferBillNotification(healthy.url, 'h1'));
    const run = worker.runDue();
    await until(
      () => states(worker, fine).state === 'delivered',
      'the healthy merchant got its notification',
    );
    // The dead ones still hold their own slots, and only those. (Their requests may reach them after the healthy
    // answer came back: wait for the arrivals, not for a moment.)
    expect(worker.inFlight()).toHaveLength(4);
    await until(
      () => dead.every((server) => server.requests.length >= 2),
      'each dead merchant received its attempts',
    );
    expect(dead.map((server) => server.requests.length)).toEqual([2, 2]);
    await worker.close();
    await run;
  });

  test('slow attempts leave the overall bound, but all open attempts stay under four times it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const held = heldFetch();
      const { db, clock, worker } = setup({
        concurrency: 1,
        perDestination: 1,
        slowAfterMs: 10,
        fetch: held.fetch,
      });
      for (let port = 1; port <= 6; port++)
        enqueueNotification(db, clock.now(), transferBillNotification(`http://127.0.0.1:${port}/notify`));
      const open: number[] = [];
      for (let i = 0; i < 6; i++) {
        worker.dispatchDue();
        open.push(worker.inFlight().length);
        vi.advanceTimersByTime(10); // the attempts in flight go slow
      }
      expect(open).toEqual([1, 2, 3, 4, 4, 4]);
      await worker.close();
    } finally {
      vi.useRealTimers();
    }
  });

  test('redeliver and runDue never overlap on one notification', async () => {
    const server = await merchant(() => 500, { delayMs: 50 });
    const { db, clock, worker } = setup();
    setRetrySchedule(db, 'transferBills', [0, 0, 0]);
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    await Promise.all([worker.runDue(), worker.redeliver(id), worker.redeliver(id)]);
    expect(server.maxConcurrent).toBe(1);
    expect(states(worker, id).attempts).toHaveLength(5);
  });

  test('close abandons the attempts in flight (not logged, still due) instead of waiting for the merchant', async () => {
    const server = await merchant(() => 'hang');
    const { db, clock, worker } = setup();
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    enqueueNotification(db, clock.now(), transferBillNotification(server.url, 'second'));
    const run = worker.runDue();
    await until(() => server.requests.length === 2, 'both attempts reached the merchant');
    await worker.close();
    expect(await run).toBe(0);
    expect(states(worker, id)).toMatchObject({ state: 'pending', attemptsMade: 0, attempts: [] });
    await until(() => server.abandoned === 2, 'the merchant saw the connections closed');
    expect(server.requests).toHaveLength(2);
    expect(await worker.runDue()).toBe(0);
  });

  test('pause abandons the attempt in flight and makes none until resumed; redeliveries wait too', async () => {
    let answer: Reply = 'hang';
    const server = await merchant(() => answer);
    const { db, clock, worker } = setup();
    const id = enqueueNotification(db, clock.now(), transferBillNotification(server.url));
    const run = worker.runDue();
    await until(() => server.requests.length === 1, 'the attempt reached the merchant');
    const resume = worker.pause();
    expect(await run).toBe(0);
    expect(states(worker, id)).toMatchObject({ state: 'pending', attempts: [] });
    expect(await worker.runDue()).toBe(0);
    await expect(worker.redeliver(id)).rejects.toThrow(/paused/);
    answer = 200;
    resume();
    resume(); // a second call changes nothing
    expect(await worker.runDue()).toBe(1);
    expect(states(worker, id)).toMatchObject({ state: 'delivered', attemptsMade: 1 });
  });

  test('runDue(limit) makes at most that many attempts, in due order', async () => {
    const server = await merchant(() => 200);
    const { db, clock, worker } = setup();
    const ids = ['a1', 'a2', 'a3'].map((no) =>
      enqueueNotification(db, clock.now(), transferBillNotification(server.url, no)),
    );
    expect(await worker.runDue(2)).toBe(2);
    expect(ids.map((id) => states(worker, id).state)).toEqual(['delivered', 'delivered', 'pending']);
    expect(await worker.runDue(2)).toBe(1);
    expect(() => worker.runDue(0)).toThrow(/limit must be ≥ 1/);
  });
});

describe('DeliveryWorker restart', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxpay-notify-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function openFile(name: string): Database {
    const db = new BetterSqlite3(join(dir, name));
    db.pragma('journal_mode = WAL');
    migrateOutbox(db);
    return db;
  }

  test('a new worker on the same database delivers what the old one left pending', async () => {
    const server = await merchant(() => 200);
    const first = openFile('pending.sqlite');
    const clock = new ManualClock();
    const id = enqueueNotification(first, clock.now(), transferBillNotification(server.url));
    const oldWorker = buildWorker(keys, { db: first, clock });
    await oldWorker.close();
    first.close();

    const second = openFile('pending.sqlite');
    cleanups.push(() => {
      second.close();
    });
    const worker = buildWorker(keys, { db: second, clock });
    cleanups.push(() => worker.close());
    expect(worker.nextDueAt()).toBe(START);
    expect(await worker.runDue()).toBe(1);
    expect(states(worker, id).state).toBe('delivered');
    await verifyAndOpen(server.requests[0]!);
  });

  test('a restart mid-schedule resumes at the next scheduled attempt with the same envelope', async () => {
    const server = await merchant((_, index) => (index === 0 ? 500 : 200));
    const first = openFile('resume.sqlite');
    setRetrySchedule(first, 'transferBills', [0, 15, 15]);
    const clock = new ManualClock();
    const id = enqueueNotification(first, clock.now(), transferBillNotification(server.url));
    const oldWorker = buildWorker(keys, { db: first, clock });
    expect(await oldWorker.runDue()).toBe(1);
    await oldWorker.close();
    first.close();

    const second = openFile('resume.sqlite');
    cleanups.push(() => {
      second.close();
    });
    const worker = buildWorker(keys, { db: second, clock });
    cleanups.push(() => worker.close());
    expect(worker.nextDueAt()).toBe(START + 15_000);
    clock.advance(15_000);
    expect(await worker.runDue()).toBe(1);
    const record = states(worker, id);
    expect(record.state).toBe('delivered');
    expect(record.attempts.map((a) => a.scheduledAt)).toEqual([START, START + 15_000]);
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
  });
});

describe('DeliveryWorker list', () => {
  test('filters by mchid, state and resourceKey, and refuses an unknown state', async () => {
    const server = await merchant(() => 200);
    const { db, clock, worker } = setup();
    const a = enqueueNotification(db, clock.now(), transferBillNotification(server.url, 'bill-a'));
    setRetrySchedule(db, 'transferBills', [60]);
    const b = enqueueNotification(db, clock.now(), transferBillNotification(server.url, 'bill-b'));
    await worker.runDue();

    expect(worker.list({}).map((n) => n.id)).toEqual([a, b]);
    expect(worker.list({ state: 'delivered' }).map((n) => n.id)).toEqual([a]);
    expect(worker.list({ state: 'pending' }).map((n) => n.id)).toEqual([b]);
    expect(worker.list({ resourceKey: `${MCHID}:bill-b` }).map((n) => n.id)).toEqual([b]);
    expect(worker.list({ mchid: MCHID, state: 'failed' })).toEqual([]);
    expect(worker.list({ mchid: '1900000002' })).toEqual([]);
    expect(() => worker.list({ state: 'sent' })).toThrow('unknown state "sent"');
    expect(worker.get(12345)).toBeUndefined();
  });

  test('rejects a non-positive timeout by name', () => {
    expect(() => buildWorker(keys, { db: memoryDb(), clock: new ManualClock(), timeoutMs: 0 })).toThrow(
      'timeoutMs must be a positive number of milliseconds, got 0',
    );
  });
});

describe('DeliveryWorker reads little of an answer', () => {
  test('an endless 200 answer is cut after the excerpt: the attempt succeeds and the rest is never read', async () => {
    const { createServer } = await import('node:http');
    let written = 0;
    let closed = false;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (!closed && res.write(chunk)) written += chunk.length;
          if (!closed) res.once('drain', pump);
        };
        res.on('close', () => {
          closed = true;
        });
        pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    cleanups.push(() => server.closeAllConnections());
    const port = (server.address() as { port: number }).port;
    // A long answer window: reading the whole body would run until it, and fail the attempt or the test.
    const { db, clock, worker } = setup({ timeoutMs: 60_000 });
    const id = enqueueNotification(db, clock.now(), transferBillNotification(`http://127.0.0.1:${port}/n`));
    expect(await worker.runDue()).toBe(1);
    const [attempt] = states(worker, id).attempts;
    expect(attempt).toMatchObject({ ok: true, httpStatus: 200, error: null });
    expect(attempt?.responseExcerpt).toBe('x'.repeat(512));
    await until(() => closed, 'the emulator closed the connection');
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });
});
