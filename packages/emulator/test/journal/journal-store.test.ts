import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@wxpay-kit/emulator';
import { WechatPay } from '@wxpay-kit/sdk';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { resetState } from '../../src/db/reset.js';
import { type JournalEntry, migrateJournal, RequestJournal } from '../../src/journal/journal-store.js';
import { journalHeaders, maskBody } from '../../src/journal/mask.js';

const DAY = 24 * 3600 * 1000;

function entry(time: number, url: string): JournalEntry {
  return {
    requestId: `${url}-0`,
    time,
    virtualTime: time,
    method: 'GET',
    url,
    mchid: '1900000001',
    operation: 'authorizations.get',
    status: 200,
    code: null,
    latencyMs: 1,
    verification: 'verified',
    request: { headers: {}, body: '' },
    response: { body: '{}', signed: true },
    signature: null,
  };
}

describe('RequestJournal bounds', () => {
  it('drops rows older than maxAgeMs (wall time) as new ones are written, and at start', () => {
    const db = new BetterSqlite3(':memory:');
    migrateJournal(db);
    const now = Date.now();
    const journal = new RequestJournal(db, { maxRows: 100, maxAgeMs: DAY });
    journal.record(entry(now - 3 * DAY, '/old'));
    journal.record(entry(now - 2 * DAY, '/older-than-a-day'));
    journal.record(entry(now, '/new'));
    expect(journal.list().map((row) => row.url)).toEqual(['/new']);
    journal.record(entry(now - 5 * DAY, '/late'));
    journal.flush();
    // A restart with a tighter bound prunes at once.
    const tighter = new RequestJournal(db, { maxRows: 100, maxAgeMs: 0 });
    expect(tighter.list()).toHaveLength(2);
    new RequestJournal(db, { maxRows: 1, maxAgeMs: 0 });
    expect(tighter.list().map((row) => row.url)).toEqual(['/late']);
  });

  it('every read sees at most maxRows rows and none past maxAgeMs, while the deletes wait for a bigger batch', () => {
    const db = new BetterSqlite3(':memory:');
    migrateJournal(db);
    const now = Date.now();
    const journal = new RequestJournal(db, { maxRows: 10, maxAgeMs: DAY });
    const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM request_journal').get() as { n: number }).n;
    let written = 0;
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 3; i++) journal.record(entry(now, `/r${++written}`));
      const rows = journal.list({ limit: 500 });
      expect(rows.map((row) => row.url)).toEqual(
        Array.from({ length: Math.min(written, 10) }, (_, i) => `/r${written - i}`),
      );
      // Deleted lazily, but the table stays bounded: maxRows and a tenth more.
      expect(stored()).toBeLessThanOrEqual(11);
    }
    // A row read by seq or Request-ID is out of bounds as soon as it is out of the list.
    const oldest = journal.list({ limit: 500 }).at(-1)!;
    expect(journal.get(String(oldest.seq))?.url).toBe('/r51');
    journal.record(entry(now, '/r61'));
    expect(journal.get(String(oldest.seq))).toBeUndefined();
    expect(journal.get(oldest.requestId)).toBeUndefined();
    // A row stamped before a backwards jump of the wall clock, behind younger ones: kept on disk, never shown.
    journal.record(entry(now - 2 * DAY, '/behind'));
    expect(journal.list({ limit: 500 }).map((row) => row.url)).not.toContain('/behind');
    expect(journal.get('/behind-0')).toBeUndefined();
    expect(journal.list({ limit: 500 })).toHaveLength(9);
  });

  it('never hands out a seq twice: not after every row expired, nor after a reset', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, []);
    const now = Date.now();
    const journal = new RequestJournal(db, { maxRows: 100, maxAgeMs: 0 });
    for (const url of ['/a', '/b', '/c']) journal.record(entry(now - 2 * DAY, url));
    expect(journal.list()[0]!.seq).toBe(3);
    // Every row is past a day: a start with that bound deletes them all.
    new RequestJournal(db, { maxRows: 100, maxAgeMs: DAY });
    expect(journal.list()).toEqual([]);
    journal.record(entry(now, '/after-expiry'));
    expect(journal.list().map((row) => [row.seq, row.url])).toEqual([[4, '/after-expiry']]);
    resetState(db, []);
    journal.record(entry(now, '/after-reset'));
    expect(journal.list().map((row) => [row.seq, row.url])).toEqual([[5, '/after-reset']]);
  });

  it('moves the rows of a data folder from before the bodies had columns of their own, seq and all', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec(`
CREATE TABLE request_journal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, time INTEGER NOT NULL,
  virtual_time INTEGER NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL, mchid TEXT, operation TEXT,
  status INTEGER NOT NULL, code TEXT, latency_ms REAL NOT NULL, verification TEXT NOT NULL
  CHECK (verification IN ('verified', 'failed', 'not-checked')), detail TEXT NOT NULL);
CREATE INDEX request_journal_request_id ON request_journal (request_id);
CREATE INDEX request_journal_time ON request_journal (time);`);
    const now = Date.now();
    const old = (seq: number, url: string, detail: object) =>
      db
        .prepare(
          `INSERT INTO request_journal VALUES (?, ?, ?, ?, 'GET', ?, '1900000001', 'authorizations.get', 401,
           'SIGN_ERROR', 1.5, 'failed', ?)`,
        )
        .run(seq, `${url}-0`, now, now + 1, url, JSON.stringify(detail));
    const signature = { failedCheck: 'BAD_TIMESTAMP', likelyCause: 'in milliseconds' };
    const detail = {
      request: { headers: { accept: 'application/json' }, body: '{"a":"\\"quoted\\""}' },
      response: { body: '{"code":"SIGN_ERROR"}', signed: false },
      signature,
    };
    old(41, '/kept', detail);
    old(42, '/deleted', detail);
    db.prepare('DELETE FROM request_journal WHERE seq = 42').run();

    migrateJournal(db);
    migrateJournal(db); // idempotent
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`);
    expect(indexes.all('request_journal')).toEqual([]);
    const journal = new RequestJournal(db, { maxRows: 100, maxAgeMs: DAY });
    expect(journal.get('41')).toEqual({
      seq: 41,
      requestId: '/kept-0',
      time: now,
      virtualTime: now + 1,
      method: 'GET',
      url: '/kept',
      mchid: '1900000001',
      operation: 'authorizations.get',
      status: 401,
      code: 'SIGN_ERROR',
      latencyMs: 1.5,
      verification: 'failed',
      ...detail,
    });
    journal.record(entry(now, '/new'));
    expect(journal.list()[0]).toMatchObject({ seq: 43, url: '/new', response: { body: '{}', signed: true } });
  });

  it('refuses bounds that make no sense', () => {
    const db = new BetterSqlite3(':memory:');
    migrateJournal(db);
    expect(() => new RequestJournal(db, { maxRows: 0, maxAgeMs: 0 })).toThrow(/maxRows/);
    expect(() => new RequestJournal(db, { maxRows: 1, maxAgeMs: -1 })).toThrow(/maxAgeMs/);
  });

  it('masks sensitive fields, keeps other bodies as sent, and cuts long ones', () => {
    expect(maskBody('{"a":{"b":"secret"},"c":1}', ['/a/b'])).toBe(
      '{"a":{"b":"***(sensitive, 6 chars)"},"c":1}',
    );
    expect(maskBody('{ "c": 1 }', ['/a/b'])).toBe('{ "c": 1 }');
    expect(maskBody('not json', ['/a'])).toBe('not json');
    expect(maskBody('x'.repeat(20_000))).toMatch(/…\(3616 more characters\)$/);
  });

  it('keeps the useful headers and shortens the signature in Authorization, even an unterminated one', () => {
    const signature = 'A'.repeat(344);
    const authorization = (rest: string) => `WECHATPAY2-SHA256-RSA2048 mchid="1",signature="${rest}`;
    expect(
      journalHeaders({
        authorization: authorization(`${signature}",serial_no="S"`),
        accept: 'application/json',
        'user-agent': ['a', 'b'],
        cookie: 'dropped',
      }),
    ).toEqual({
      accept: 'application/json',
      'user-agent': 'a, b',
      authorization: authorization('AAAAAAAA…(344 chars)",serial_no="S"'),
    });
    expect(journalHeaders({ authorization: authorization(signature) })).toEqual({
      authorization: authorization('AAAAAAAA…(344 chars)'),
    });
    expect(journalHeaders({ authorization: 'Bearer x' })).toEqual({ authorization: 'Bearer x' });
  });
});

describe('journal persistence', () => {
  it('is kept in the data folder with the rest of the state, across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-journal-'));
    try {
      const first = await startEmulator({ dataDir });
      const wxpay = new WechatPay({ ...first.clientOptions('ordinary'), retry: false });
      const error = await wxpay.authorizations.get({ out_authorization_no: 'KEPT' }).catch((e) => e);
      await first.close();
      const second = await startEmulator({ dataDir });
      try {
        const [row] = await second.control.requests.list();
        expect(row).toMatchObject({
          requestId: error.requestId,
          status: 404,
          operation: 'authorizations.get',
        });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
