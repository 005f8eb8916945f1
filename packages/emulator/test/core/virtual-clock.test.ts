import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-clock-'));
  dirs.push(dir);
  const open = () => {
    const db = openDatabase(dir);
    migrate(db, []);
    return db;
  };
  return open;
}

describe('VirtualClock', () => {
  it('manual mode starts at the given instant and moves only when advanced', () => {
    let wall = 1_000;
    const clock = new VirtualClock({ mode: 'manual', start: 50_000, wallNow: () => wall });
    wall += 10_000;
    expect(clock.now()).toBe(50_000);
    expect(clock.advance(1_500)).toBe(51_500);
    expect(clock.now()).toBe(51_500);
  });

  it('real mode follows the wall clock plus the advanced offset', () => {
    let wall = 1_000;
    const clock = new VirtualClock({ wallNow: () => wall });
    expect(clock.now()).toBe(1_000);
    wall = 2_000;
    expect(clock.now()).toBe(2_000);
    clock.advance(60_000);
    wall = 3_000;
    expect(clock.now()).toBe(63_000);
    expect(clock.snapshot()).toEqual({ mode: 'real', now: 63_000, offsetMs: 60_000 });
  });

  it('set moves forward only, and listeners hear about every change after it happened', () => {
    const clock = new VirtualClock({ mode: 'manual', start: 10_000 });
    const heard: number[] = [];
    const stop = clock.onChange((now) => heard.push(now, clock.now()));
    clock.set(20_000);
    expect(() => clock.set(19_999)).toThrow(/only moves forward/);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    stop();
    clock.advance(5);
    expect(heard).toEqual([20_000, 20_000]);
  });

  it('manual time survives a restart (kept in the meta table)', () => {
    const open = freshDb();
    const db = open();
    new VirtualClock({ mode: 'manual', start: 100_000, db }).advance(86_400_000);
    db.close();
    const again = open();
    expect(new VirtualClock({ mode: 'manual', db: again }).now()).toBe(86_500_000);
    again.close();
  });

  it('real-mode offset survives a restart, and a stored time later than `start` wins', () => {
    const open = freshDb();
    let wall = 1_000_000;
    const db = open();
    new VirtualClock({ db, wallNow: () => wall }).advance(3_600_000);
    db.close();
    wall = 1_005_000;
    const again = open();
    const clock = new VirtualClock({ db: again, wallNow: () => wall, start: 0 });
    expect(clock.now()).toBe(1_005_000 + 3_600_000);
    again.close();
  });

  it('a later explicit start moves a stored clock forward', () => {
    const open = freshDb();
    const db = open();
    new VirtualClock({ mode: 'manual', start: 1_000, db });
    expect(new VirtualClock({ mode: 'manual', start: 9_000, db }).now()).toBe(9_000);
    db.close();
  });
});

describe('VirtualClock bounds', () => {
  it('refuses a time past the range or an over-long advance, and changes nothing', () => {
    const clock = new VirtualClock({ mode: 'manual', start: 50_000 });
    expect(() => clock.set(9e15)).toThrow(RangeError);
    expect(() => clock.advance(1e16)).toThrow(/100 years/);
    expect(clock.now()).toBe(50_000);
  });

  it('a data folder whose stored time is out of range (bricked by an older version) starts again', () => {
    const open = freshDb();
    const db = open();
    db.prepare("INSERT INTO meta (key, value) VALUES ('clock', ?)").run(
      JSON.stringify({ mode: 'real', offsetMs: 1e16, instantMs: 0 }),
    );
    const clock = new VirtualClock({ db, wallNow: () => 1_000_000 });
    expect(clock.recoveredFrom).toBe(1e16 + 1_000_000);
    expect(clock.now()).toBe(1_000_000);
    db.close();
    // The repaired time is what is stored now.
    const again = open();
    expect(new VirtualClock({ db: again, wallNow: () => 1_000_000 }).now()).toBe(1_000_000);
    again.close();
  });
});
