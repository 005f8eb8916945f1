import type { Database } from '../families/family.js';

type Runner = ReturnType<Database['transaction']>;

/**
 * One transaction function per database, taking the work as its argument: `db.transaction(fn)` builds four
 * wrappers and their properties on every call, which a write paid once per request.
 */
const runners = new WeakMap<Database, Runner>();

/**
 * Runs `fn` in one `BEGIN IMMEDIATE` transaction: every state change, outbox row and timer it writes commits
 * together, or none does when it throws. Nested calls join the outer transaction (better-sqlite3 savepoints).
 */
export function runInTransaction<T>(db: Database, fn: () => T): T {
  let run = runners.get(db);
  if (!run) {
    run = db.transaction((work: () => unknown) => work());
    runners.set(db, run);
  }
  return (db.inTransaction ? run(fn) : run.immediate(fn)) as T;
}
