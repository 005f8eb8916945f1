import type { Database, FamilyModule } from '../families/family.js';
import { KEPT_ON_RESET, migrate } from './migrate.js';
import { runInTransaction } from './transaction.js';

/**
 * Empties every table except the kept ones (virtual time, id sequences): family records, timers, the outbox
 * and its attempts, fault rules. Tables are found in the schema, so families need no reset hook of their own.
 */
export function resetState(db: Database, families: readonly FamilyModule[]): Record<string, number> {
  const tables = (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as {
      name: string;
    }[]
  )
    .map((row) => row.name)
    .filter((name) => !KEPT_ON_RESET.has(name));
  const deleted = runInTransaction(db, () => {
    // Foreign keys between a family's tables would refuse deleting a parent before its children.
    db.pragma('defer_foreign_keys = ON');
    const counts: Record<string, number> = {};
    for (const table of tables) {
      counts[table] = db.prepare(`DELETE FROM "${table.replaceAll('"', '""')}"`).run().changes;
    }
    return counts;
  });
  // Whatever a family seeds when it migrates is seeded again, as after a fresh start.
  migrate(db, families);
  return deleted;
}
