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
  // In WAL mode NORMAL syncs at checkpoints, not at every commit: a process crash (kill -9) still loses no
  // committed transaction; only an OS crash or power cut could lose the last ones. FULL's fsync per commit held
  // notification deliveries to about 100/s on a VM disk.
  db.pragma('synchronous = NORMAL');
  return db;
}

/** More distinct SQL texts than any emulator has: the cache is a cache, not a leak, should some SQL be built. */
const MAX_CACHED_STATEMENTS = 1000;

/**
 * Makes `db.prepare(sql)` prepare each SQL text once and hand back the same statement afterwards. Stores and
 * families call `db.prepare` inline where the SQL reads best; compiling it again on every call cost about a tenth
 * of a read request. Safe because statements are only run with get/all/run, never held open with iterate().
 */
function cachePreparedStatements(db: Database): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, ReturnType<Database['prepare']>>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }) as Database['prepare'];
}

function configure(db: Database): Database {
  cachePreparedStatements(db);
  db.pragma('foreign_keys = ON');
  // A second process on the same data dir (a CLI and a test, say) waits instead of failing at once.
  db.pragma('busy_timeout = 5000');
  return db;
}
