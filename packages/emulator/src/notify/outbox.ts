import { randomUUID } from 'node:crypto';
import { formatTime } from '../core/format-time.js';
import type { Database, OutgoingNotification } from '../families/family.js';
import { insertNotification, migrateNotificationStore } from './notification-store.js';
import {
  assertFamily,
  delayBeforeAttemptMs,
  migrateRetrySchedules,
  retryScheduleFor,
} from './retry-schedule.js';

/** CREATE TABLE IF NOT EXISTS for the outbox, its attempt log and the schedule overrides; idempotent. */
export function migrateOutbox(db: Database): void {
  migrateNotificationStore(db);
  migrateRetrySchedules(db);
}

/**
 * Inserts a notification; runs inside the caller's transaction so it commits with the state change that caused
 * it. Only the plaintext is stored: the envelope is sealed by the delivery worker, which holds the APIv3 keys.
 * Returns the notification id; the first attempt is due at nowMs + schedule[0] seconds.
 */
export function enqueueNotification(db: Database, nowMs: number, n: OutgoingNotification): number {
  if (!Number.isFinite(nowMs))
    throw new Error(`enqueueNotification: nowMs must be a finite number, got ${nowMs}`);
  assertNotification(n);
  const retrySchedule = retryScheduleFor(db, n.family, n.eventType);
  return insertNotification(db, {
    // A UUID is one of the two id shapes WeChat Pay emits and needs no coordination to stay unique.
    eventId: randomUUID(),
    mchid: n.mchid,
    url: n.url,
    family: n.family,
    eventType: n.eventType,
    summary: n.summary,
    originalType: n.originalType,
    associatedData: n.associatedData,
    resourceJson: JSON.stringify(n.resource),
    resourceKey: n.resourceKey,
    createdAt: nowMs,
    createTime: formatTime(nowMs),
    retrySchedule,
    nextDueAt: nowMs + (delayBeforeAttemptMs(retrySchedule, 1) ?? 0),
  });
}

function assertNotification(n: OutgoingNotification): void {
  const strings = ['mchid', 'url', 'eventType', 'summary', 'originalType', 'resourceKey'] as const;
  for (const field of strings) {
    if (typeof n[field] !== 'string' || n[field] === '') {
      throw new Error(
        `enqueueNotification: ${field} must be a non-empty string, got ${JSON.stringify(n[field])}`,
      );
    }
  }
  // An empty AAD is legal on the wire (then the GCM AAD is empty).
  if (typeof n.associatedData !== 'string') {
    throw new Error(
      `enqueueNotification: associatedData must be a string, got ${JSON.stringify(n.associatedData)}`,
    );
  }
  if (!URL.canParse(n.url)) {
    throw new Error(`enqueueNotification: url is not an absolute URL: ${JSON.stringify(n.url)}`);
  }
  if (typeof n.resource !== 'object' || n.resource === null || Array.isArray(n.resource)) {
    throw new Error('enqueueNotification: resource must be a plain object (the plaintext to encrypt)');
  }
  assertFamily(n.family, 'enqueueNotification');
}
