import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../families/family.js';

export const MEMORY = ':memory:';

/** Opens `<dataDir>/emulator.sqlite` (created if missing, WAL journal) or a private in-memory database. */
export function openDatabase(dataDir: string): Database {
  if (dataDir === MEMORY) return configure(new BetterSqlite3(MEMORY));
  mkdirSync(dataDir, { recursive: true });
  const db = configure(new BetterSqlite3(join(dataDir, 'emulator.sqlite')));
  db.pragma('journal_mode = WAL');
  return db;
}

function configure(db: Database): Database {
  db.pragma('foreign_keys = ON');
  // A second process on the same data dir (a CLI and a test, say) waits instead of failing at once.
  db.pragma('busy_timeout = 5000');
  return db;
}
