import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTOCHECKPOINT_PAGES, startCheckpointer } from '../../src/db/checkpointer.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { Database } from '../../src/families/family.js';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function dataFolder(): Promise<{ db: Database; file: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'wxpay-checkpoint-'));
  folders.push(folder);
  const db = openDatabase(folder);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  return { db, file: join(folder, 'emulator.sqlite') };
}

/** About 2 MB in 40 transactions: without a checkpoint it all stays in the WAL, the database file stays small. */
function write(db: Database): void {
  const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
  for (let t = 0; t < 40; t++)
    db.transaction(() => {
      for (let i = 0; i < 50; i++) insert.run('x'.repeat(1000));
    })();
}

const fileSize = (file: string) => statSync(file).size;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error(`not within 10 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the WAL is checkpointed off the event loop', () => {
  it('copies a data folder’s WAL into its database file from its own thread; the loop’s connection does not', async () => {
    const { db, file } = await dataFolder();
    const errors: unknown[] = [];
    const checkpointer = startCheckpointer(db, file, { intervalMs: 50, onError: (e) => errors.push(e) });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = fileSize(file);
    write(db);
    await until(() => fileSize(file) > before + 1_000_000, 'the database file holds the written pages');
    await checkpointer.close();
    expect(errors).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) FROM filler').pluck().get()).toBe(2000);
    db.close();
  });

  it('runs a last checkpoint on close, before its interval comes round', async () => {
    const { db, file } = await dataFolder();
    const checkpointer = startCheckpointer(db, file, { intervalMs: 60_000, onError: () => {} });
    const before = fileSize(file);
    write(db);
    expect(fileSize(file)).toBe(before);
    await checkpointer.close();
    expect(fileSize(file)).toBeGreaterThan(before + 1_000_000);
    db.close();
  });

  it('hands the checkpoints back to the loop’s connection when the thread fails', async () => {
    const { db, file } = await dataFolder();
    const failed = new Promise<unknown>((resolve) => {
      startCheckpointer(db, file, { driver: join(tmpdir(), 'no-such-driver.js'), onError: resolve });
    });
    expect(String(await failed)).toMatch(/no-such-driver/);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(AUTOCHECKPOINT_PAGES);
    db.close();
  });
});
