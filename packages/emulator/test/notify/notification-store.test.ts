import { describe, expect, it } from 'vitest';
import {
  earliestDueAfter,
  findDueFor,
  listAttempts,
  migrateNotificationStore,
  nextDestination,
  recordAttempt,
  saveBodyOnce,
} from '../../src/notify/notification-store.js';
import { enqueueNotification } from '../../src/notify/outbox.js';
import { memoryDb, START, transferBillNotification } from './delivery-fixture.js';

const attempt = (notificationId: number) => ({
  notificationId,
  kind: 'scheduled' as const,
  scheduledAt: START,
  attemptedAt: START,
  httpStatus: 200,
  error: null,
  responseExcerpt: null,
  durationMs: 3,
  probe: false,
  requestId: `${'A'.repeat(44)}-0`,
  ok: true,
});

describe('notification store', () => {
  it('recordAttempt logs the attempt and moves the notification on', () => {
    const db = memoryDb();
    const id = enqueueNotification(db, START, transferBillNotification('https://merchant.example/notify'));
    const record = recordAttempt(db, attempt(id), {
      state: 'delivered',
      nextDueAt: null,
      countsAsScheduled: true,
    });
    expect(record).toMatchObject({ notificationId: id, attemptNo: 1, ok: true });
    expect(listAttempts(db, id)).toHaveLength(1);
  });

  it('recordAttempt writes nothing for a notification removed while its attempt was in flight (a reset)', () => {
    const db = memoryDb();
    const id = enqueueNotification(db, START, transferBillNotification('https://merchant.example/notify'));
    db.prepare('DELETE FROM notify_notifications WHERE id = ?').run(id);
    expect(
      recordAttempt(db, attempt(id), { state: 'delivered', nextDueAt: null, countsAsScheduled: true }),
    ).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) AS n FROM notify_attempts').get()).toEqual({ n: 0 });
  });

  it('earliestDueAfter names the first due time strictly after the one given, skipping what is due already', () => {
    const db = memoryDb();
    for (const at of [START, START + 5_000, START + 2_000]) {
      enqueueNotification(db, at, transferBillNotification('https://merchant.example/notify'));
    }
    expect(earliestDueAfter(db, START)).toBe(START + 2_000);
    expect(earliestDueAfter(db, START + 2_000)).toBe(START + 5_000);
    expect(earliestDueAfter(db, START + 5_000)).toBeUndefined();
  });

  it('saveBodyOnce keeps the first body, and hands back the given one once the notification is gone', () => {
    const db = memoryDb();
    const id = enqueueNotification(db, START, transferBillNotification('https://merchant.example/notify'));
    expect(saveBodyOnce(db, id, 'first')).toBe('first');
    expect(saveBodyOnce(db, id, 'second')).toBe('first');
    db.prepare('DELETE FROM notify_notifications WHERE id = ?').run(id);
    expect(saveBodyOnce(db, id, 'third')).toBe('third');
  });

  it('a destination is the notify URL up to its path, lower-cased; the queue is read destination by destination', () => {
    const db = memoryDb();
    const urls = [
      'HTTPS://Merchant.Example:8443/a/b',
      'https://merchant.example:8443/other',
      'http://127.0.0.1:9000/notify',
      'https://bare.example',
    ];
    const ids = urls.map((url, i) =>
      enqueueNotification(db, START + i, transferBillNotification(url, `n${i}`)),
    );
    const destinations: Array<{ destination: string; nextDueAt: number }> = [];
    for (let head = nextDestination(db, ''); head; head = nextDestination(db, head.destination))
      destinations.push(head);
    expect(destinations).toEqual([
      { destination: 'http://127.0.0.1:9000', nextDueAt: START + 2 },
      { destination: 'https://bare.example', nextDueAt: START + 3 },
      { destination: 'https://merchant.example:8443', nextDueAt: START },
    ]);
    expect(findDueFor(db, 'https://merchant.example:8443', START + 1, 10).map((e) => e.id)).toEqual([
      ids[0],
      ids[1],
    ]);
    expect(findDueFor(db, 'https://merchant.example:8443', START, 10).map((e) => e.id)).toEqual([ids[0]]);
    // Delivered (no next due time): no longer in the queue.
    recordAttempt(db, attempt(ids[3] as number), {
      state: 'delivered',
      nextDueAt: null,
      countsAsScheduled: true,
    });
    expect(nextDestination(db, 'https://a')?.destination).toBe('https://merchant.example:8443');
  });

  it('a data folder made before destinations gets them at the next start, for the rows already there', () => {
    const db = memoryDb();
    db.exec('DROP INDEX notify_notifications_destination_due');
    db.exec('ALTER TABLE notify_notifications DROP COLUMN destination');
    const id = enqueueNotification(db, START, transferBillNotification('https://old.example/notify'));
    migrateNotificationStore(db);
    expect(findDueFor(db, 'https://old.example', START, 10).map((e) => e.id)).toEqual([id]);
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM notify_notifications WHERE destination = 'x' AND next_due_at IS NOT NULL AND next_due_at <= 1 ORDER BY next_due_at, id`,
      )
      .all() as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join('; ')).toContain('notify_notifications_destination_due');
  });
});
