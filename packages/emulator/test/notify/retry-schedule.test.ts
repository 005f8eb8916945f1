import { notifications } from '@wxpay-kit/sdk/catalogue';
import { describe, expect, test } from 'vitest';
import {
  defaultRetrySchedule,
  delayBeforeAttemptMs,
  MAX_SCHEDULE_LENGTH,
  overriddenRetrySchedule,
  retryScheduleFor,
  setRetrySchedule,
} from '../../src/notify/retry-schedule.js';
import { memoryDb } from './delivery-fixture.js';

describe('retry schedules', () => {
  test('default to the catalogue row of the family (T for transfers and authorizations, G for recharges)', () => {
    expect(defaultRetrySchedule('transferBills')).toEqual(notifications.transferBills.retrySchedule);
    expect(defaultRetrySchedule('authorizations', 'MCHTRANSFER.AUTHORIZATION.CLOSED')).toEqual(
      notifications.authorizations.retrySchedule,
    );
    expect(defaultRetrySchedule('recharges', 'RECHARGE.SUCCESS')).toEqual(
      notifications.recharges.retrySchedule,
    );
    expect(defaultRetrySchedule('transferBills')).toHaveLength(65);
  });

  test('an override per family wins until it is removed, and survives in the database', () => {
    const db = memoryDb();
    setRetrySchedule(db, 'transferBills', [0, 15, 15, 30]);
    expect(retryScheduleFor(db, 'transferBills')).toEqual([0, 15, 15, 30]);
    expect(retryScheduleFor(db, 'authorizations')).toEqual(notifications.authorizations.retrySchedule);
    setRetrySchedule(db, 'transferBills', [5]);
    expect(overriddenRetrySchedule(db, 'transferBills')).toEqual([5]);
    setRetrySchedule(db, 'transferBills', undefined);
    expect(overriddenRetrySchedule(db, 'transferBills')).toBeUndefined();
    expect(retryScheduleFor(db, 'transferBills')).toEqual(notifications.transferBills.retrySchedule);
  });

  test.each([
    [[], 'must be a non-empty array of delays in seconds, got []'],
    [[0, -1], 'element 1 must be a finite number of seconds ≥ 0, got -1'],
    [[0, Number.POSITIVE_INFINITY], 'element 1 must be a finite number of seconds ≥ 0, got null'],
    [[0, '15'], 'element 1 must be a finite number of seconds ≥ 0, got "15"'],
    [
      Array.from({ length: MAX_SCHEDULE_LENGTH + 1 }, () => 1),
      `at most ${MAX_SCHEDULE_LENGTH} attempts, got 1001`,
    ],
  ])('refuses the schedule %j by naming what is wrong', (schedule, message) => {
    const db = memoryDb();
    expect(() => setRetrySchedule(db, 'recharges', schedule as number[])).toThrow(
      `retry schedule for recharges: ${message}`,
    );
    expect(overriddenRetrySchedule(db, 'recharges')).toBeUndefined();
  });

  test('refuses an unknown family, naming the families of the catalogue', () => {
    expect(() => setRetrySchedule(memoryDb(), 'refunds' as never, [0])).toThrow(
      'setRetrySchedule: unknown family "refunds" (expected one of authorizations, transferBills, recharges, cancelWithdraws)',
    );
    // Every family with operations can be given a schedule, cancelWithdraws (which sends none) included.
    expect(() => setRetrySchedule(memoryDb(), 'cancelWithdraws', [0])).not.toThrow();
  });

  test('delayBeforeAttemptMs reads element attempt-1 in ms, undefined past the end', () => {
    expect(delayBeforeAttemptMs([0, 15, 1.5], 1)).toBe(0);
    expect(delayBeforeAttemptMs([0, 15, 1.5], 2)).toBe(15_000);
    expect(delayBeforeAttemptMs([0, 15, 1.5], 3)).toBe(1_500);
    expect(delayBeforeAttemptMs([0, 15, 1.5], 4)).toBeUndefined();
  });
});
