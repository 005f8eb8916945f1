import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { resetState } from '../../src/db/reset.js';
import { runInTransaction } from '../../src/db/transaction.js';
import { testFamily } from '../support/test-family.js';

const tables = (db: ReturnType<typeof openDatabase>) =>
  (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe('openDatabase + migrate', () => {
  it('creates emulator.sqlite in WAL mode with core, outbox and family tables, idempotently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-db-'));
    try {
      const db = openDatabase(join(dir, 'nested'));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      migrate(db, [testFamily]);
      const first = tables(db);
      migrate(db, [testFamily]);
      expect(tables(db)).toEqual(first);
      for (const name of ['meta', 'timers', 'id_sequences', 'fault_rules', 'test_items'])
        expect(first).toContain(name);
      expect(db.name).toBe(join(dir, 'nested', 'emulator.sqlite'));
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(':memory: opens a private database', () => {
    const a = openDatabase(':memory:');
    const b = openDatabase(':memory:');
    migrate(a, []);
    expect(tables(a)).toContain('timers');
    expect(tables(b)).toEqual([]);
  });
});

describe('runInTransaction', () => {
  it('commits everything or nothing, with BEGIN IMMEDIATE', () => {
    const db = openDatabase(':memory:');
    migrate(db, []);
    runInTransaction(db, () => {
      expect(db.inTransaction).toBe(true);
      db.prepare(`INSERT INTO meta (key, value) VALUES ('a', '1')`).run();
    });
    expect(() =>
      runInTransaction(db, () => {
        db.prepare(`INSERT INTO meta (key, value) VALUES ('b', '2')`).run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.prepare('SELECT key FROM meta ORDER BY key').all()).toEqual([{ key: 'a' }]);
  });

  it('joins an outer transaction instead of failing on a nested BEGIN', () => {
    const db = openDatabase(':memory:');
    migrate(db, []);
    expect(() =>
      runInTransaction(db, () => {
        runInTransaction(db, () => db.prepare(`INSERT INTO meta (key, value) VALUES ('inner', '1')`).run());
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(db.prepare('SELECT COUNT(*) AS n FROM meta').get()).toEqual({ n: 0 });
  });
});

describe('resetState', () => {
  it('empties records, timers and faults but keeps meta (virtual time) and id sequences', () => {
    const db = openDatabase(':memory:');
    migrate(db, [testFamily]);
    db.exec(`
      INSERT INTO meta (key, value) VALUES ('clock', '{}');
      INSERT INTO id_sequences (prefix, value) VALUES ('1000', 7);
      INSERT INTO timers (family, kind, ref, due_at) VALUES ('recharges', 'expire', 'A', 1);
      INSERT INTO fault_rules (operation, status, code, message, remaining, created_at) VALUES ('*', 500, 'SYSTEM_ERROR', 'x', 1, 0);
      INSERT INTO test_items (no, mchid, state, updated_at) VALUES ('A', 'm', 'RECHARGING', 0);
    `);
    const deleted = resetState(db, [testFamily]);
    expect(deleted).toMatchObject({ timers: 1, fault_rules: 1, test_items: 1 });
    expect(deleted).not.toHaveProperty('meta');
    expect(db.prepare('SELECT COUNT(*) AS n FROM meta').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT value FROM id_sequences').get()).toEqual({ value: 7 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM test_items').get()).toEqual({ n: 0 });
  });
});
