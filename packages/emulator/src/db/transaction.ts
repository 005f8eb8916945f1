import type { Database } from '../families/family.js';

/**
 * Runs `fn` in one `BEGIN IMMEDIATE` transaction: every state change, outbox row and timer it writes commits
 * together, or none does when it throws. Nested calls join the outer transaction (better-sqlite3 savepoints).
 */
export function runInTransaction<T>(db: Database, fn: () => T): T {
  if (db.inTransaction) return db.transaction(fn)();
  return db.transaction(fn).immediate();
}
