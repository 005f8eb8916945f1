import { notifications } from '@wxpay-kit/sdk/catalogue';
import { describe, expect, test } from 'vitest';
import { formatTime } from '../../src/core/format-time.js';
import { findNotification } from '../../src/notify/notification-store.js';
import { enqueueNotification, migrateOutbox } from '../../src/notify/outbox.js';
import { setRetrySchedule } from '../../src/notify/retry-schedule.js';
import { MCHID, memoryDb, START, transferBillNotification } from './delivery-fixture.js';

const URL = 'https://merchant.example.com/notify';

describe('enqueueNotification', () => {
  test('stores the plaintext and a fresh envelope id; the first attempt is due at now + schedule[0]', () => {
    const db = memoryDb();
    const notification = transferBillNotification(URL);
    const id = enqueueNotification(db, START, notification);
    const record = findNotification(db, id);
    expect(record).toMatchObject({
      id,
      mchid: MCHID,
      url: URL,
      family: 'transferBills',
      eventType: 'MCHTRANSFER.BILL.FINISHED',
      originalType: 'mch_payment',
      associatedData: 'mch_payment',
      resource: notification.resource,
      resourceKey: `${MCHID}:plfk2020042013`,
      createdAt: START,
      createTime: formatTime(START),
      state: 'pending',
      attemptsMade: 0,
      nextDueAt: START + notifications.transferBills.retrySchedule[0]! * 1000,
      body: null,
    });
    expect(record?.retrySchedule).toEqual(notifications.transferBills.retrySchedule);
    expect(record?.createTime).toBe('2025-03-01T10:00:00.000+08:00');
    const other = findNotification(db, enqueueNotification(db, START, notification));
    expect(other?.eventId).not.toBe(record?.eventId);
  });

  test('uses the family override for the first delay and keeps the schedule it was enqueued with', () => {
    const db = memoryDb();
    setRetrySchedule(db, 'recharges', [45, 60]);
    const id = enqueueNotification(db, START, {
      ...transferBillNotification(URL),
      family: 'recharges',
      eventType: 'RECHARGE.SUCCESS',
      originalType: 'recharge',
      associatedData: 'recharge',
    });
    setRetrySchedule(db, 'recharges', [1]);
    const record = findNotification(db, id);
    expect(record?.nextDueAt).toBe(START + 45_000);
    expect(record?.retrySchedule).toEqual([45, 60]);
  });

  test('commits or rolls back with the caller’s transaction', () => {
    const db = memoryDb();
    expect(() =>
      db.transaction(() => {
        enqueueNotification(db, START, transferBillNotification(URL));
        throw new Error('the state change failed');
      })(),
    ).toThrow('the state change failed');
    expect(db.prepare('SELECT COUNT(*) AS n FROM notify_notifications').get()).toEqual({ n: 0 });
  });

  test.each([
    [{ url: 'not a url' }, 'enqueueNotification: url is not an absolute URL: "not a url"'],
    [{ mchid: '' }, 'enqueueNotification: mchid must be a non-empty string, got ""'],
    [{ eventType: undefined }, 'enqueueNotification: eventType must be a non-empty string, got undefined'],
    [{ associatedData: 7 }, 'enqueueNotification: associatedData must be a string, got 7'],
    [{ resource: [] }, 'enqueueNotification: resource must be a plain object'],
    [{ family: 'payments' }, 'enqueueNotification: unknown family "payments"'],
  ])('refuses %j by naming the field', (patch, message) => {
    const db = memoryDb();
    expect(() =>
      enqueueNotification(db, START, { ...transferBillNotification(URL), ...(patch as object) }),
    ).toThrow(message);
    expect(() => enqueueNotification(db, Number.NaN, transferBillNotification(URL))).toThrow(
      'nowMs must be a finite number, got NaN',
    );
  });

  test('a family without a catalogue notification is refused', () => {
    const db = memoryDb();
    expect(() =>
      enqueueNotification(db, START, { ...transferBillNotification(URL), family: 'cancelWithdraws' }),
    ).toThrow('the catalogue has no NotificationSpec for family "cancelWithdraws"');
  });
});

describe('migrateOutbox', () => {
  test('is idempotent and keeps existing rows', () => {
    const db = memoryDb();
    const id = enqueueNotification(db, START, transferBillNotification(URL));
    migrateOutbox(db);
    expect(findNotification(db, id)?.id).toBe(id);
  });
});
