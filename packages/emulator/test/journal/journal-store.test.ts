import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@wxpay-kit/emulator';
import { WechatPay } from '@wxpay-kit/sdk';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type JournalEntry, migrateJournal, RequestJournal } from '../../src/journal/journal-store.js';
import { maskBody } from '../../src/journal/mask.js';

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
  it('drops rows older than maxAgeMs (wall time) as new ones arrive, and at start', () => {
    const db = new BetterSqlite3(':memory:');
    migrateJournal(db);
    const now = Date.now();
    const journal = new RequestJournal(db, { maxRows: 100, maxAgeMs: DAY });
    journal.record(entry(now - 3 * DAY, '/old'));
    journal.record(entry(now - 2 * DAY, '/older-than-a-day'));
    journal.record(entry(now, '/new'));
    expect(journal.list().map((row) => row.url)).toEqual(['/new']);
    journal.record(entry(now - 5 * DAY, '/late'));
    // A restart with a tighter bound prunes at once.
    const tighter = new RequestJournal(db, { maxRows: 100, maxAgeMs: 0 });
    expect(tighter.list()).toHaveLength(2);
    new RequestJournal(db, { maxRows: 1, maxAgeMs: 0 });
    expect(tighter.list().map((row) => row.url)).toEqual(['/late']);
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
