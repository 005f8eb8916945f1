import { describe, expect, it } from 'vitest';
import { listAttempts, recordAttempt, saveBodyOnce } from '../../src/notify/notification-store.js';
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

  it('saveBodyOnce keeps the first body, and hands back the given one once the notification is gone', () => {
    const db = memoryDb();
    const id = enqueueNotification(db, START, transferBillNotification('https://merchant.example/notify'));
    expect(saveBodyOnce(db, id, 'first')).toBe('first');
    expect(saveBodyOnce(db, id, 'second')).toBe('first');
    db.prepare('DELETE FROM notify_notifications WHERE id = ?').run(id);
    expect(saveBodyOnce(db, id, 'third')).toBe('third');
  });
});
