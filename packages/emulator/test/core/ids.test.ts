import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '../../src/core/ids.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';

function setup() {
  const db = openDatabase(':memory:');
  migrate(db, []);
  const clock = new VirtualClock({ mode: 'manual', start: Date.parse('2025-04-10T02:00:00Z') });
  return { db, newId: createIdGenerator(db, clock) };
}

describe('newId', () => {
  it('builds prefix + Beijing date + sequence, of exactly the requested length', () => {
    const { newId } = setup();
    const first = newId('2012', 27);
    expect(first).toBe('201220250410000000000000001');
    expect(newId('2012', 27)).toBe('201220250410000000000000002');
    expect(newId('1330', 40)).toHaveLength(40);
  });

  it('keeps a separate, persistent sequence per prefix', () => {
    const { db, newId } = setup();
    newId('A', 20);
    newId('A', 20);
    newId('B', 20);
    expect(db.prepare('SELECT prefix, value FROM id_sequences ORDER BY prefix').all()).toEqual([
      { prefix: 'A', value: 2 },
      { prefix: 'B', value: 1 },
    ]);
  });

  it('drops the date when the id is too short for it, and refuses an impossible length', () => {
    const { newId } = setup();
    expect(newId('X', 10)).toBe('X000000001');
    expect(() => newId('PREFIX', 6)).toThrow(/cannot hold/);
    expect(() => newId('P', 0)).toThrow(/positive integer/);
  });

  it('never repeats across many calls', () => {
    const { newId } = setup();
    const ids = new Set(Array.from({ length: 500 }, () => newId('9', 18)));
    expect(ids.size).toBe(500);
  });
});
