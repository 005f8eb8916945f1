import type { Statement } from 'better-sqlite3';
import type { Database } from '../families/family.js';
import type { SignatureDiagnosis } from './diagnose-signature.js';

/** The journal's own table; a migration of its own, idempotent like the others, run at every start. */
export function migrateJournal(db: Database): void {
  db.exec(`
CREATE TABLE IF NOT EXISTS request_journal (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id   TEXT    NOT NULL,
  time         INTEGER NOT NULL,
  virtual_time INTEGER NOT NULL,
  method       TEXT    NOT NULL,
  url          TEXT    NOT NULL,
  mchid        TEXT,
  operation    TEXT,
  status       INTEGER NOT NULL,
  code         TEXT,
  latency_ms   REAL    NOT NULL,
  verification TEXT    NOT NULL CHECK (verification IN ('verified', 'failed', 'not-checked')),
  detail       TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS request_journal_request_id ON request_journal (request_id);
CREATE INDEX IF NOT EXISTS request_journal_time ON request_journal (time);
`);
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
  detail: string;
}

export type StoredEntry = JournalEntry & { seq: number };

function fromRow(row: Row): StoredEntry {
  const detail = JSON.parse(row.detail) as Pick<JournalEntry, 'request' | 'response' | 'signature'>;
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
    ...detail,
  };
}

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

/** The request journal: bounded rows in the emulator's database, newest first when read. */
export class RequestJournal {
  #pending: JournalEntry[] = [];
  readonly #onError: (error: unknown) => void;
  readonly #insert: Statement;
  readonly #dropOver: Statement;
  readonly #dropBefore: Statement;

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
    this.#insert = db.prepare(
      `INSERT INTO request_journal (request_id, time, virtual_time, method, url, mchid, operation, status, code,
         latency_ms, verification, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Both are index range deletes: cheap enough to run after every insert, so the bounds hold exactly.
    this.#dropOver = db.prepare('DELETE FROM request_journal WHERE seq <= ?');
    this.#dropBefore = db.prepare('DELETE FROM request_journal WHERE time < ?');
    const newest = db.prepare('SELECT MAX(seq) AS seq FROM request_journal').get() as { seq: number | null };
    this.#prune(newest.seq ?? 0, Date.now());
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

  readonly #writeBatch = (batch: JournalEntry[]) =>
    this.db.transaction(() => {
      let seq = 0;
      for (const entry of batch) {
        const { request, response, signature } = entry;
        seq = Number(
          this.#insert.run(
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
            JSON.stringify({ request, response, signature }),
          ).lastInsertRowid,
        );
      }
      this.#prune(seq, batch.at(-1)!.time);
    })();

  #prune(newestSeq: number, wallNow: number): void {
    this.#dropOver.run(newestSeq - this.limits.maxRows);
    if (this.limits.maxAgeMs > 0) this.#dropBefore.run(wallNow - this.limits.maxAgeMs);
  }

  list(filter: JournalFilter = {}): StoredEntry[] {
    this.flush();
    const where: string[] = [];
    const args: Array<string | number> = [];
    const add = (sql: string, ...values: Array<string | number>) => {
      where.push(sql);
      args.push(...values);
    };
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
    const sql = `SELECT * FROM request_journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as Row[]).map(fromRow);
  }

  /** The row of a Request-ID (the newest, should a client resend one), or of a `seq`. */
  get(idOrSeq: string): StoredEntry | undefined {
    this.flush();
    const row = (
      /^\d+$/.test(idOrSeq)
        ? this.db.prepare('SELECT * FROM request_journal WHERE seq = ?').get(Number(idOrSeq))
        : this.db
            .prepare('SELECT * FROM request_journal WHERE request_id = ? ORDER BY seq DESC LIMIT 1')
            .get(idOrSeq)
    ) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }
}
