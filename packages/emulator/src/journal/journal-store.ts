import type { Statement } from 'better-sqlite3';
import type { Database } from '../families/family.js';
import type { SignatureDiagnosis } from './diagnose-signature.js';

const COLUMNS = `
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id      TEXT    NOT NULL,
  time            INTEGER NOT NULL,
  virtual_time    INTEGER NOT NULL,
  method          TEXT    NOT NULL,
  url             TEXT    NOT NULL,
  mchid           TEXT,
  operation       TEXT,
  status          INTEGER NOT NULL,
  code            TEXT,
  latency_ms      REAL    NOT NULL,
  verification    TEXT    NOT NULL CHECK (verification IN ('verified', 'failed', 'not-checked')),
  request_headers TEXT    NOT NULL,
  request_body    TEXT    NOT NULL,
  response_body   TEXT    NOT NULL,
  response_signed INTEGER NOT NULL,
  signature       TEXT`;

/**
 * The journal's own table; a migration of its own, idempotent like the others, run at every start.
 *
 * No secondary index: a random Request-ID index cost a scattered b-tree insert and delete per row (a quarter of
 * a row's write), and a time index another pair; lookups by Request-ID and time filters scan newest-first instead,
 * as the other filters always did (about 1 ms for 10 000 rows). `seq` stays AUTOINCREMENT: it never goes back,
 * even after every row was pruned or reset (sqlite_sequence is kept on reset), so a poller's `after` is safe.
 * Bodies are columns of their own: one JSON text of headers and both bodies cost an escaping pass over the bodies
 * per row, and a parse per row read.
 */
export function migrateJournal(db: Database): void {
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('request_journal') as {
    name: string;
  }[];
  if (columns.some((column) => column.name === 'detail')) migrateFromDetail(db);
  db.exec(`
CREATE TABLE IF NOT EXISTS request_journal (${COLUMNS}
);
DROP INDEX IF EXISTS request_journal_request_id;
DROP INDEX IF EXISTS request_journal_time;
`);
}

/** A data folder from before the bodies had columns of their own: its rows, and its `seq` high-water mark, kept. */
function migrateFromDetail(db: Database): void {
  db.transaction(() => {
    db.exec(`
CREATE TABLE request_journal_split (${COLUMNS}
);
INSERT INTO request_journal_split
  SELECT seq, request_id, time, virtual_time, method, url, mchid, operation, status, code, latency_ms, verification,
         json_extract(detail, '$.request.headers'), json_extract(detail, '$.request.body'),
         json_extract(detail, '$.response.body'), json_extract(detail, '$.response.signed'),
         json_extract(detail, '$.signature')
  FROM request_journal;
DELETE FROM sqlite_sequence WHERE name = 'request_journal_split';
UPDATE sqlite_sequence SET name = 'request_journal_split' WHERE name = 'request_journal';
DROP TABLE request_journal;
ALTER TABLE request_journal_split RENAME TO request_journal;
`);
  })();
}

export type Verification = 'verified' | 'failed' | 'not-checked';

/** One API call as the journal keeps it (bodies masked, signature shortened). */
export interface JournalEntry {
  requestId: string;
  /** Wall time the request arrived, epoch ms. */
  time: number;
  /** Virtual time it arrived, epoch ms. */
  virtualTime: number;
  method: string;
  /** Path and query as received. */
  url: string;
  /** The calling merchant: the verified caller, else the mchid the Authorization claimed. */
  mchid: string | null;
  /** Catalogue operation name (`transferBills.cancel`, `certificates.download`), null for an unknown path. */
  operation: string | null;
  status: number;
  /** The APIv3 error code of a non-2xx answer. */
  code: string | null;
  latencyMs: number;
  verification: Verification;
  request: { headers: Record<string, string>; body: string };
  response: { body: string; signed: boolean };
  /** Why the Authorization was refused; null unless verification failed. */
  signature: SignatureDiagnosis | null;
}

export interface JournalFilter {
  mchid?: string;
  operation?: string;
  /** An exact status (401), a class (`4xx`), or `error` (any status ≥ 400). */
  status?: string;
  verification?: Verification;
  /** Wall-time bounds, epoch ms, inclusive. */
  since?: number;
  until?: number;
  /** Only rows older than this `seq` (paging backwards). */
  before?: number;
  /** Only rows newer than this `seq` (polling for what came since). */
  after?: number;
  limit?: number;
}

export interface JournalLimits {
  /** Keep at most this many rows (oldest dropped first). */
  maxRows: number;
  /** Drop rows older than this many ms of wall time; 0 = no age limit. */
  maxAgeMs: number;
}

/**
 * How long a journal row may wait to be written with the ones after it. Flushing once per I/O turn wrote batches
 * of a few rows under load, each its own transaction and prune: about 7 % of a read's main-thread time.
 */
export const JOURNAL_FLUSH_MS = 20;

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { maxRows: 10_000, maxAgeMs: 7 * 24 * 3600 * 1000 };
export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

interface Row {
  seq: number;
  request_id: string;
  time: number;
  virtual_time: number;
  method: string;
  url: string;
  mchid: string | null;
  operation: string | null;
  status: number;
  code: string | null;
  latency_ms: number;
  verification: Verification;
  request_headers: string;
  request_body: string;
  response_body: string;
  response_signed: number;
  signature: string | null;
}

export type StoredEntry = JournalEntry & { seq: number };

function fromRow(row: Row): StoredEntry {
  return {
    seq: row.seq,
    requestId: row.request_id,
    time: row.time,
    virtualTime: row.virtual_time,
    method: row.method,
    url: row.url,
    mchid: row.mchid,
    operation: row.operation,
    status: row.status,
    code: row.code,
    latencyMs: row.latency_ms,
    verification: row.verification,
    request: { headers: JSON.parse(row.request_headers) as Record<string, string>, body: row.request_body },
    response: { body: row.response_body, signed: row.response_signed === 1 },
    signature: row.signature === null ? null : (JSON.parse(row.signature) as SignatureDiagnosis),
  };
}

/** The values of one row, in COLUMNS order after `seq`. */
function pushValues(values: unknown[], entry: JournalEntry): void {
  values.push(
    entry.requestId,
    entry.time,
    entry.virtualTime,
    entry.method,
    entry.url,
    entry.mchid,
    entry.operation,
    entry.status,
    entry.code,
    entry.latencyMs,
    entry.verification,
    JSON.stringify(entry.request.headers),
    entry.request.body,
    entry.response.body,
    entry.response.signed ? 1 : 0,
    entry.signature === null ? null : JSON.stringify(entry.signature),
  );
}

const INSERTED = `INSERT INTO request_journal (request_id, time, virtual_time, method, url, mchid, operation, status,
  code, latency_ms, verification, request_headers, request_body, response_body, response_signed, signature) VALUES `;
const ROW_PLACEHOLDERS = `(${Array(16).fill('?').join(', ')})`;
/** Rows per INSERT: one statement per row cost its own step, bindings and sqlite_sequence update. */
const ROWS_PER_INSERT = 16;

function statusClause(status: string): { sql: string; args: number[] } {
  if (status === 'error') return { sql: 'status >= ?', args: [400] };
  const klass = /^([1-5])xx$/i.exec(status);
  if (klass) {
    const base = Number(klass[1]) * 100;
    return { sql: 'status BETWEEN ? AND ?', args: [base, base + 99] };
  }
  if (/^\d{3}$/.test(status)) return { sql: 'status = ?', args: [Number(status)] };
  throw new RangeError(`status must be a status (401), a class (4xx) or "error", got "${status}"`);
}

/**
 * The request journal: bounded rows in the emulator's database, newest first when read.
 *
 * The bounds hold for every read: `list` and `get` see only the newest `maxRows` rows younger than `maxAgeMs`.
 * Rows past them are deleted lazily, so that a write does not pay a delete per row: past maxRows once the
 * table holds a tenth more (down to maxRows), and past maxAgeMs from the oldest end after each batch. At start
 * both are deleted at once.
 */
export class RequestJournal {
  #pending: JournalEntry[] = [];
  readonly #onError: (error: unknown) => void;
  readonly #insertOne: Statement;
  readonly #insertMany: Statement;
  readonly #dropOver: Statement;
  readonly #dropExpired: Statement;
  readonly #dropAllExpired: Statement;
  readonly #slack: number;
  /** One transaction per batch (built once: better-sqlite3 builds five wrappers per `transaction` call). */
  readonly #writeBatch: (batch: JournalEntry[]) => void;
  /** Rows up to this seq are known deleted; the table holds at most newest − this. */
  #prunedThrough = 0;

  constructor(
    readonly db: Database,
    readonly limits: JournalLimits = DEFAULT_JOURNAL_LIMITS,
    onError: (error: unknown) => void = () => {},
  ) {
    this.#onError = onError;
    if (!Number.isSafeInteger(limits.maxRows) || limits.maxRows < 1)
      throw new RangeError(`journal maxRows must be a positive integer, got ${limits.maxRows}`);
    if (!Number.isFinite(limits.maxAgeMs) || limits.maxAgeMs < 0)
      throw new RangeError(`journal maxAgeMs must be a number ≥ 0, got ${limits.maxAgeMs}`);
    this.#slack = Math.ceil(limits.maxRows / 10);
    this.#writeBatch = db.transaction((batch: JournalEntry[]) => this.#writeRows(batch));
    this.#insertOne = db.prepare(INSERTED + ROW_PLACEHOLDERS);
    this.#insertMany = db.prepare(INSERTED + Array(ROWS_PER_INSERT).fill(ROW_PLACEHOLDERS).join(', '));
    this.#dropOver = db.prepare('DELETE FROM request_journal WHERE seq <= ?');
    // Rows are written in time order (seq order is arrival order): the expired ones are the oldest seqs, up to
    // the first row still young enough. A row behind a backwards jump of the wall clock is hidden from reads and
    // deleted by the start's full pass or once maxRows pushes it out.
    this.#dropExpired = db.prepare(
      `DELETE FROM request_journal WHERE seq < coalesce(
         (SELECT seq FROM request_journal WHERE time >= ? ORDER BY seq LIMIT 1), ?)`,
    );
    this.#dropAllExpired = db.prepare('DELETE FROM request_journal WHERE time < ?');
    const newest = this.#newestSeq();
    this.#dropOver.run(newest - limits.maxRows);
    this.#prunedThrough = Math.max(0, newest - limits.maxRows);
    if (limits.maxAgeMs > 0) this.#dropAllExpired.run(Date.now() - limits.maxAgeMs);
  }

  #newestSeq(): number {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM request_journal').get() as {
      seq: number | null;
    };
    return row.seq ?? 0;
  }

  /**
   * Queues the row; rows are written together at most JOURNAL_FLUSH_MS later (one transaction and one prune for
   * a burst of calls instead of one each), and before any read.
   */
  record(entry: JournalEntry): void {
    this.#pending.push(entry);
    if (this.#pending.length === 1) setTimeout(() => this.#flushQuietly(), JOURNAL_FLUSH_MS);
  }

  /** Writes the queued rows now (reads, reset and close call it). */
  flush(): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#writeBatch(batch);
  }

  #flushQuietly(): void {
    try {
      this.flush();
    } catch (error) {
      // The database closed under a late batch, or the disk is full: the journal is a courtesy, never a crash.
      this.#onError(error);
    }
  }

  #writeRows(batch: JournalEntry[]): void {
    const values: unknown[] = [];
    let seq = 0;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= batch.length; i += ROWS_PER_INSERT) {
      values.length = 0;
      for (let j = i; j < i + ROWS_PER_INSERT; j++) pushValues(values, batch[j]!);
      seq = Number(this.#insertMany.run(values).lastInsertRowid);
    }
    for (; i < batch.length; i++) {
      values.length = 0;
      pushValues(values, batch[i]!);
      seq = Number(this.#insertOne.run(values).lastInsertRowid);
    }
    this.#prune(seq, batch.at(-1)!.time);
  }

  #prune(newestSeq: number, wallNow: number): void {
    const { maxRows, maxAgeMs } = this.limits;
    if (newestSeq - this.#prunedThrough > maxRows + this.#slack) {
      this.#dropOver.run(newestSeq - maxRows);
      this.#prunedThrough = newestSeq - maxRows;
    }
    if (maxAgeMs > 0) this.#dropExpired.run(wallNow - maxAgeMs, newestSeq + 1);
  }

  /** The conditions every read adds: the newest maxRows rows, none older than maxAgeMs. */
  #bounds(where: string[], args: Array<string | number>): void {
    where.push('seq > (SELECT MAX(seq) FROM request_journal) - ?');
    args.push(this.limits.maxRows);
    if (this.limits.maxAgeMs > 0) {
      where.push('time >= ?');
      args.push(Date.now() - this.limits.maxAgeMs);
    }
  }

  list(filter: JournalFilter = {}): StoredEntry[] {
    this.flush();
    const where: string[] = [];
    const args: Array<string | number> = [];
    const add = (sql: string, ...values: Array<string | number>) => {
      where.push(sql);
      args.push(...values);
    };
    this.#bounds(where, args);
    if (filter.mchid !== undefined) add('mchid = ?', filter.mchid);
    if (filter.operation !== undefined) add('operation = ?', filter.operation);
    if (filter.status !== undefined) {
      const clause = statusClause(filter.status);
      add(clause.sql, ...clause.args);
    }
    if (filter.verification !== undefined) add('verification = ?', filter.verification);
    if (filter.since !== undefined) add('time >= ?', filter.since);
    if (filter.until !== undefined) add('time <= ?', filter.until);
    if (filter.before !== undefined) add('seq < ?', filter.before);
    if (filter.after !== undefined) add('seq > ?', filter.after);
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? DEFAULT_PAGE)), MAX_PAGE);
    const sql = `SELECT * FROM request_journal WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as Row[]).map(fromRow);
  }

  /** The row of a Request-ID (the newest, should a client resend one), or of a `seq`. */
  get(idOrSeq: string): StoredEntry | undefined {
    this.flush();
    const where: string[] = [/^\d+$/.test(idOrSeq) ? 'seq = ?' : 'request_id = ?'];
    const args: Array<string | number> = [/^\d+$/.test(idOrSeq) ? Number(idOrSeq) : idOrSeq];
    this.#bounds(where, args);
    const sql = `SELECT * FROM request_journal WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT 1`;
    const row = this.db.prepare(sql).get(...args) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }
}
