import type { FamilyName } from '@wxpay-kit/sdk/catalogue';
import type { Database } from '../families/family.js';

/** The SQL of the outbox. Every write is one short statement or one short transaction: no network I/O inside. */

export const NOTIFICATION_STATES = ['pending', 'delivered', 'failed'] as const;
/** `pending`: attempts remain; `delivered`: a 2xx was received; `failed`: the schedule ran out (terminal). */
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

export interface NotificationRecord {
  id: number;
  /** The envelope `id`: the same on every attempt, so merchants can deduplicate on it. */
  eventId: string;
  mchid: string;
  url: string;
  family: FamilyName;
  eventType: string;
  summary: string;
  originalType: string;
  associatedData: string;
  /** The plaintext resource. */
  resource: Record<string, unknown>;
  resourceKey: string;
  /** Virtual ms of the enqueue; `createTime` is the same instant as the envelope's RFC 3339 `create_time`. */
  createdAt: number;
  createTime: string;
  state: NotificationState;
  /** The schedule this notification was enqueued with (seconds; see retry-schedule.ts). */
  retrySchedule: number[];
  /** Scheduled attempts made so far (redeliveries are not counted). */
  attemptsMade: number;
  /** Virtual ms at which the next scheduled attempt is due; null once delivered or failed. */
  nextDueAt: number | null;
  deliveredAt: number | null;
  /** The exact JSON body sent on every attempt, once sealed (at the first attempt). */
  body: string | null;
}

export interface AttemptRecord {
  notificationId: number;
  /** 1-based position in this notification's log, redeliveries included. */
  attemptNo: number;
  kind: 'scheduled' | 'redeliver';
  /** Virtual ms the attempt was due (for a redelivery: when it was requested). */
  scheduledAt: number;
  /** Virtual ms the attempt was made. */
  attemptedAt: number;
  /** The merchant's HTTP status; null when no response arrived (timeout, connection error, not sent). */
  httpStatus: number | null;
  /** Why the attempt failed without a status (timeout, connection error, sealing error). */
  error: string | null;
  /** The start of the merchant's response body, for diagnosing a refusal. */
  responseExcerpt: string | null;
  /** Real wall-clock duration of the HTTP exchange. */
  durationMs: number;
  /** Whether the attempt carried a deliberately invalid WECHATPAY/SIGNTEST/ signature. */
  probe: boolean;
  requestId: string;
  ok: boolean;
}

export interface NotificationFilter {
  mchid?: string;
  state?: string;
  resourceKey?: string;
}

/**
 * Where a notification goes, for the per-destination bound: the notify URL up to its path (scheme, host and port
 * as written, lower-cased), e.g. `http://127.0.0.1:8080`. Computed by SQLite, so every row has it, rows written
 * by anyone included, and old data folders get it without a rewrite.
 */
const DESTINATION_SQL = `lower(substr(url, 1, instr(url, '://') + 1 + instr(substr(url, instr(url, '://') + 3) || '/', '/')))`;

export function migrateNotificationStore(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS notify_notifications (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      mchid TEXT NOT NULL,
      url TEXT NOT NULL,
      family TEXT NOT NULL,
      event_type TEXT NOT NULL,
      summary TEXT NOT NULL,
      original_type TEXT NOT NULL,
      associated_data TEXT NOT NULL,
      resource_json TEXT NOT NULL,
      resource_key TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      create_time TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
      retry_schedule_json TEXT NOT NULL,
      attempts_made INTEGER NOT NULL DEFAULT 0,
      next_due_at INTEGER,
      delivered_at INTEGER,
      body TEXT
    );
    CREATE INDEX IF NOT EXISTS notify_notifications_due ON notify_notifications (next_due_at, id)
      WHERE next_due_at IS NOT NULL;
    CREATE INDEX IF NOT EXISTS notify_notifications_mchid ON notify_notifications (mchid);
    CREATE INDEX IF NOT EXISTS notify_notifications_resource_key ON notify_notifications (resource_key);
    CREATE TABLE IF NOT EXISTS notify_attempts (
      notification_id INTEGER NOT NULL REFERENCES notify_notifications (id) ON DELETE CASCADE,
      attempt_no INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('scheduled', 'redeliver')),
      scheduled_at INTEGER NOT NULL,
      attempted_at INTEGER NOT NULL,
      http_status INTEGER,
      error TEXT,
      response_excerpt TEXT,
      duration_ms INTEGER NOT NULL,
      probe INTEGER NOT NULL,
      request_id TEXT NOT NULL,
      ok INTEGER NOT NULL,
      PRIMARY KEY (notification_id, attempt_no)
    );
  `);
  // A VIRTUAL generated column can be added to an existing table (data folders made before it) in place.
  const columns = db.prepare('PRAGMA table_xinfo(notify_notifications)').all() as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'destination')) {
    db.exec(
      `ALTER TABLE notify_notifications ADD COLUMN destination TEXT GENERATED ALWAYS AS (${DESTINATION_SQL}) VIRTUAL`,
    );
  }
  db.exec(`
    CREATE INDEX IF NOT EXISTS notify_notifications_destination_due
      ON notify_notifications (destination, next_due_at, id) WHERE next_due_at IS NOT NULL;
  `);
}

export interface NewNotificationRow {
  eventId: string;
  mchid: string;
  url: string;
  family: FamilyName;
  eventType: string;
  summary: string;
  originalType: string;
  associatedData: string;
  resourceJson: string;
  resourceKey: string;
  createdAt: number;
  createTime: string;
  retrySchedule: readonly number[];
  nextDueAt: number;
}

export function insertNotification(db: Database, row: NewNotificationRow): number {
  const result = db
    .prepare(
      `INSERT INTO notify_notifications (event_id, mchid, url, family, event_type, summary, original_type,
         associated_data, resource_json, resource_key, created_at, create_time, state, retry_schedule_json,
         next_due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    )
    .run(
      row.eventId,
      row.mchid,
      row.url,
      row.family,
      row.eventType,
      row.summary,
      row.originalType,
      row.associatedData,
      row.resourceJson,
      row.resourceKey,
      row.createdAt,
      row.createTime,
      JSON.stringify(row.retrySchedule),
      row.nextDueAt,
    );
  return Number(result.lastInsertRowid);
}

interface NotificationRow {
  id: number;
  event_id: string;
  mchid: string;
  url: string;
  family: string;
  event_type: string;
  summary: string;
  original_type: string;
  associated_data: string;
  resource_json: string;
  resource_key: string;
  created_at: number;
  create_time: string;
  state: string;
  retry_schedule_json: string;
  attempts_made: number;
  next_due_at: number | null;
  delivered_at: number | null;
  body: string | null;
}

function toNotification(row: NotificationRow): NotificationRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    mchid: row.mchid,
    url: row.url,
    family: row.family as FamilyName,
    eventType: row.event_type,
    summary: row.summary,
    originalType: row.original_type,
    associatedData: row.associated_data,
    resource: JSON.parse(row.resource_json) as Record<string, unknown>,
    resourceKey: row.resource_key,
    createdAt: row.created_at,
    createTime: row.create_time,
    state: row.state as NotificationState,
    retrySchedule: JSON.parse(row.retry_schedule_json) as number[],
    attemptsMade: row.attempts_made,
    nextDueAt: row.next_due_at,
    deliveredAt: row.delivered_at,
    body: row.body,
  };
}

export function findNotification(db: Database, id: number): NotificationRecord | undefined {
  const row = db.prepare('SELECT * FROM notify_notifications WHERE id = ?').get(id) as
    | NotificationRow
    | undefined;
  return row ? toNotification(row) : undefined;
}

export function listNotifications(db: Database, filter: NotificationFilter): NotificationRecord[] {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.mchid !== undefined) {
    where.push('mchid = ?');
    args.push(filter.mchid);
  }
  if (filter.state !== undefined) {
    if (!NOTIFICATION_STATES.includes(filter.state as NotificationState)) {
      throw new Error(
        `notification filter: unknown state ${JSON.stringify(filter.state)} (expected one of ${NOTIFICATION_STATES.join(', ')})`,
      );
    }
    where.push('state = ?');
    args.push(filter.state);
  }
  if (filter.resourceKey !== undefined) {
    where.push('resource_key = ?');
    args.push(filter.resourceKey);
  }
  const sql = `SELECT * FROM notify_notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
  return (db.prepare(sql).all(...args) as NotificationRow[]).map(toNotification);
}

/** A pending notification's place in the delivery queue. */
export interface DueEntry {
  id: number;
  url: string;
  /** See DESTINATION_SQL: the key of the per-destination bound. */
  destination: string;
  nextDueAt: number;
}

/*
 * Only a pending notification has a next due time (delivered and failed ones have NULL), so the queries below read
 * the partial indexes on next_due_at WHERE next_due_at IS NOT NULL: their cost does not grow with the delivered
 * history. A `state = 'pending'` test would make SQLite read every row ever sent.
 */

/**
 * The first destination after `after` (text order) with a pending notification, and its earliest due time: one
 * index seek, however many notifications wait for that destination. Walking from '' visits each destination once.
 */
export function nextDestination(
  db: Database,
  after: string,
): { destination: string; nextDueAt: number } | undefined {
  return db
    .prepare(
      `SELECT destination, next_due_at AS nextDueAt
     FROM notify_notifications INDEXED BY notify_notifications_destination_due
     WHERE next_due_at IS NOT NULL AND destination > ? ORDER BY destination, next_due_at, id LIMIT 1`,
    )
    .get(after) as { destination: string; nextDueAt: number } | undefined;
}

/** Up to `limit` notifications for `destination` due at or before `bound`, earliest first. */
export function findDueFor(db: Database, destination: string, bound: number, limit: number): DueEntry[] {
  // Not selecting `destination`: SQLite would compute it again for every row (it is known: the argument).
  const rows = db
    .prepare(
      `SELECT id, url, next_due_at AS nextDueAt
     FROM notify_notifications INDEXED BY notify_notifications_destination_due
     WHERE destination = ? AND next_due_at IS NOT NULL AND next_due_at <= ? ORDER BY next_due_at, id LIMIT ?`,
    )
    .all(destination, bound, limit) as Array<Omit<DueEntry, 'destination'>>;
  return rows.map((row) => ({ ...row, destination }));
}

/** The earliest next-due times, earliest first (at most `limit`), to skip those already in flight. */
export function earliestDue(db: Database, limit: number): Array<{ id: number; nextDueAt: number }> {
  return db
    .prepare(
      `SELECT id, next_due_at AS nextDueAt FROM notify_notifications INDEXED BY notify_notifications_due
       WHERE next_due_at IS NOT NULL ORDER BY next_due_at, id LIMIT ?`,
    )
    .all(limit) as Array<{ id: number; nextDueAt: number }>;
}

/** The earliest due time strictly after `after` (virtual ms): where a clock advance steps next. */
export function earliestDueAfter(db: Database, after: number): number | undefined {
  const row = db
    .prepare(
      `SELECT next_due_at AS nextDueAt FROM notify_notifications INDEXED BY notify_notifications_due
       WHERE next_due_at > ? ORDER BY next_due_at LIMIT 1`,
    )
    .get(after) as { nextDueAt: number } | undefined;
  return row?.nextDueAt;
}

/**
 * Stores the sealed body unless one is already stored; returns the body every attempt must send (the given one
 * if the notification was removed meanwhile, by a reset).
 */
export function saveBodyOnce(db: Database, id: number, body: string): string {
  db.prepare('UPDATE notify_notifications SET body = ? WHERE id = ? AND body IS NULL').run(body, id);
  const row = db.prepare('SELECT body FROM notify_notifications WHERE id = ?').get(id) as
    | { body: string }
    | undefined;
  return row?.body ?? body;
}

interface AttemptRow {
  notification_id: number;
  attempt_no: number;
  kind: 'scheduled' | 'redeliver';
  scheduled_at: number;
  attempted_at: number;
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
  duration_ms: number;
  probe: number;
  request_id: string;
  ok: number;
}

function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    notificationId: row.notification_id,
    attemptNo: row.attempt_no,
    kind: row.kind,
    scheduledAt: row.scheduled_at,
    attemptedAt: row.attempted_at,
    httpStatus: row.http_status,
    error: row.error,
    responseExcerpt: row.response_excerpt,
    durationMs: row.duration_ms,
    probe: row.probe === 1,
    requestId: row.request_id,
    ok: row.ok === 1,
  };
}

export function listAttempts(db: Database, notificationId: number): AttemptRecord[] {
  return (
    db
      .prepare('SELECT * FROM notify_attempts WHERE notification_id = ? ORDER BY attempt_no')
      .all(notificationId) as AttemptRow[]
  ).map(toAttempt);
}

export type AttemptInput = Omit<AttemptRecord, 'attemptNo'>;

/**
 * Logs an attempt and moves the notification on, in one transaction.
 * `next` is what the caller computed from the row it read: the new state and due time (scheduled attempts)
 * or only the new state (redeliveries leave the schedule as it is unless they deliver).
 * Returns undefined, and writes nothing, when the notification no longer exists (a reset while it was in flight).
 */
export function recordAttempt(
  db: Database,
  attempt: AttemptInput,
  next: { state: NotificationState; nextDueAt: number | null; countsAsScheduled: boolean },
): AttemptRecord | undefined {
  return db.transaction((): AttemptRecord | undefined => {
    if (!db.prepare('SELECT 1 FROM notify_notifications WHERE id = ?').get(attempt.notificationId)) {
      return undefined;
    }
    const { n } = db
      .prepare('SELECT COUNT(*) AS n FROM notify_attempts WHERE notification_id = ?')
      .get(attempt.notificationId) as { n: number };
    const record: AttemptRecord = { ...attempt, attemptNo: n + 1 };
    db.prepare(
      `INSERT INTO notify_attempts (notification_id, attempt_no, kind, scheduled_at, attempted_at, http_status,
         error, response_excerpt, duration_ms, probe, request_id, ok)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.notificationId,
      record.attemptNo,
      record.kind,
      record.scheduledAt,
      record.attemptedAt,
      record.httpStatus,
      record.error,
      record.responseExcerpt,
      Math.round(record.durationMs),
      record.probe ? 1 : 0,
      record.requestId,
      record.ok ? 1 : 0,
    );
    db.prepare(
      `UPDATE notify_notifications
       SET state = ?, next_due_at = ?, attempts_made = attempts_made + ?,
           delivered_at = CASE WHEN ? = 'delivered' AND delivered_at IS NULL THEN ? ELSE delivered_at END
       WHERE id = ?`,
    ).run(
      next.state,
      next.nextDueAt,
      next.countsAsScheduled ? 1 : 0,
      next.state,
      record.attemptedAt,
      record.notificationId,
    );
    return record;
  })();
}
