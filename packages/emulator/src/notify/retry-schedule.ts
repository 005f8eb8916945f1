import { type FamilyName, notificationList, operationList } from '@wxpay-kit/sdk/catalogue';
import type { Database } from '../families/family.js';

/**
 * Delivery schedules: element i is the delay in seconds before attempt i, counted from the scheduled time of
 * attempt i-1 (element 0 from the enqueue); the length is the maximum number of attempts.
 *
 * The real schedules are UNCONFIRMED (page text vs community reports), so the catalogue row is only the default:
 * an override per family lives in SQLite, where the outbox (which has no other channel than the db) and every
 * worker see it, and where it survives a restart.
 */

/** Every family the catalogue has an operation of: a schedule can be set for each. */
const FAMILIES: readonly FamilyName[] = [...new Set(operationList.map((operation) => operation.family))];

/** Guards against a typo turning into a schedule that runs for years of virtual time or fills the log. */
export const MAX_SCHEDULE_LENGTH = 1000;

export function migrateRetrySchedules(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS notify_retry_schedules (
    family TEXT PRIMARY KEY,
    schedule_json TEXT NOT NULL
  )`);
}

/** The catalogue's schedule for a family (and, when given, the spec that lists the event type). */
export function defaultRetrySchedule(family: FamilyName, eventType?: string): readonly number[] {
  assertFamily(family, 'defaultRetrySchedule');
  const ofFamily = notificationList.filter((spec) => spec.family === family);
  const spec =
    (eventType === undefined ? undefined : ofFamily.find((s) => s.eventTypes.includes(eventType))) ??
    ofFamily[0];
  if (!spec) {
    throw new Error(`defaultRetrySchedule: the catalogue has no NotificationSpec for family "${family}"`);
  }
  return spec.retrySchedule;
}

/** The override for a family if one is set, else the catalogue default. */
export function retryScheduleFor(db: Database, family: FamilyName, eventType?: string): readonly number[] {
  return overriddenRetrySchedule(db, family) ?? defaultRetrySchedule(family, eventType);
}

export function overriddenRetrySchedule(db: Database, family: FamilyName): readonly number[] | undefined {
  assertFamily(family, 'overriddenRetrySchedule');
  const row = db.prepare('SELECT schedule_json FROM notify_retry_schedules WHERE family = ?').get(family) as
    | { schedule_json: string }
    | undefined;
  return row ? (JSON.parse(row.schedule_json) as number[]) : undefined;
}

/**
 * Sets (or, with `undefined`, removes) a family's override. It applies to notifications enqueued afterwards:
 * each notification keeps the schedule it was enqueued with, so a change never reorders attempts in flight.
 */
export function setRetrySchedule(
  db: Database,
  family: FamilyName,
  schedule: readonly number[] | undefined,
): void {
  assertFamily(family, 'setRetrySchedule');
  if (schedule === undefined) {
    db.prepare('DELETE FROM notify_retry_schedules WHERE family = ?').run(family);
    return;
  }
  assertRetrySchedule(schedule, `retry schedule for ${family}`);
  db.prepare(
    `INSERT INTO notify_retry_schedules (family, schedule_json) VALUES (?, ?)
     ON CONFLICT (family) DO UPDATE SET schedule_json = excluded.schedule_json`,
  ).run(family, JSON.stringify(schedule));
}

export function assertRetrySchedule(schedule: unknown, label: string): asserts schedule is readonly number[] {
  if (!Array.isArray(schedule) || schedule.length === 0) {
    throw new Error(
      `${label}: must be a non-empty array of delays in seconds, got ${JSON.stringify(schedule)}`,
    );
  }
  if (schedule.length > MAX_SCHEDULE_LENGTH) {
    throw new Error(`${label}: at most ${MAX_SCHEDULE_LENGTH} attempts, got ${schedule.length}`);
  }
  schedule.forEach((delay, index) => {
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
      throw new Error(
        `${label}: element ${index} must be a finite number of seconds ≥ 0, got ${JSON.stringify(delay)}`,
      );
    }
  });
}

export function assertFamily(family: unknown, where: string): asserts family is FamilyName {
  if (!FAMILIES.includes(family as FamilyName)) {
    throw new Error(
      `${where}: unknown family ${JSON.stringify(family)} (expected one of ${FAMILIES.join(', ')})`,
    );
  }
}

/** Delay before the given attempt (1-based), in ms; undefined once the schedule is exhausted. */
export function delayBeforeAttemptMs(schedule: readonly number[], attempt: number): number | undefined {
  const seconds = schedule[attempt - 1];
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}
