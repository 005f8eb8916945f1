import type { Database, FamilyModule } from '../families/family.js';
import { migrateTransitionLog } from '../history/transition-log.js';
import { migrateJournal } from '../journal/journal-store.js';
import { migrateOutbox } from '../notify/outbox.js';

/** Core tables; every statement is idempotent so the migration runs at every start. */
const CORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS timers (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  family   TEXT    NOT NULL,
  kind     TEXT    NOT NULL,
  ref      TEXT    NOT NULL,
  due_at   INTEGER NOT NULL,
  payload  TEXT,
  state    TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  fired_at INTEGER,
  error    TEXT
);
CREATE INDEX IF NOT EXISTS timers_pending_due ON timers (state, due_at, id);
CREATE TABLE IF NOT EXISTS id_sequences (
  prefix TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fault_rules (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  operation  TEXT    NOT NULL,
  status     INTEGER NOT NULL,
  code       TEXT    NOT NULL,
  message    TEXT    NOT NULL,
  remaining  INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
`;

/**
 * Tables that survive `POST /_emulator/reset`: virtual time, id sequences (so ids never repeat) and the
 * notification retry-schedule overrides, which are settings rather than state.
 */
export const KEPT_ON_RESET = new Set(['meta', 'id_sequences', 'sqlite_sequence', 'notify_retry_schedules']);

/** Core tables, then the notification outbox and the request journal, then each family's own tables. */
export function migrate(db: Database, families: readonly FamilyModule[]): void {
  db.exec(CORE_SCHEMA);
  migrateOutbox(db);
  migrateJournal(db);
  migrateTransitionLog(db);
  for (const family of families) family.migrate(db);
}
