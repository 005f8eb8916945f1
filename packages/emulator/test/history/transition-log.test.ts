import { afterEach, describe, expect, it } from 'vitest';
import { MEMORY, openDatabase } from '../../src/db/open-database.js';
import type { Database } from '../../src/families/family.js';
import {
  listTransitions,
  migrateTransitionLog,
  recordTransition,
  type TransitionEntry,
} from '../../src/history/transition-log.js';

let db: Database | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

function fresh(): Database {
  db = openDatabase(MEMORY);
  migrateTransitionLog(db);
  migrateTransitionLog(db); // idempotent: every start migrates again
  return db;
}

const entry = (overrides: Partial<TransitionEntry>): TransitionEntry => ({
  family: 'transferBills',
  mchid: '1230000109',
  resourceKey: 'plfk2020042013',
  from: null,
  to: 'ACCEPTED',
  event: 'create',
  actor: 'merchant',
  at: 1_000,
  ...overrides,
});

describe('transition log', () => {
  it("lists one resource's transitions in the order they were recorded, with actor, event and virtual time", () => {
    const log = fresh();
    recordTransition(log, entry({}));
    recordTransition(
      log,
      entry({ from: 'ACCEPTED', to: 'WAIT_USER_CONFIRM', event: 'accept', actor: 'system', at: 2_000.4 }),
    );
    // Recorded later but stamped earlier (a timer that ran late): the order is the order of recording.
    recordTransition(
      log,
      entry({ from: 'WAIT_USER_CONFIRM', to: 'SUCCESS', event: 'confirm', actor: 'user', at: 1_500 }),
    );
    const listed = listTransitions(log, { family: 'transferBills', resourceKey: 'plfk2020042013' });
    expect(listed.map((t) => [t.from, t.to, t.event, t.actor, t.at])).toEqual([
      [null, 'ACCEPTED', 'create', 'merchant', 1_000],
      ['ACCEPTED', 'WAIT_USER_CONFIRM', 'accept', 'system', 2_000],
      ['WAIT_USER_CONFIRM', 'SUCCESS', 'confirm', 'user', 1_500],
    ]);
    expect(listed[0]).toMatchObject({
      family: 'transferBills',
      mchid: '1230000109',
      resourceKey: 'plfk2020042013',
    });
    expect(new Set(listed.map((t) => t.id)).size).toBe(3);
  });

  it('keeps families, merchants and resources apart; a deletion is a transition to null', () => {
    const log = fresh();
    recordTransition(log, entry({}));
    recordTransition(log, entry({ mchid: '1900000001' }));
    recordTransition(log, entry({ family: 'recharges', to: 'WAIT_PAY' }));
    recordTransition(log, entry({ resourceKey: 'other' }));
    recordTransition(log, entry({ from: 'ACCEPTED', to: null, event: 'delete', actor: 'timer', at: 9_000 }));

    const all = listTransitions(log, { family: 'transferBills', resourceKey: 'plfk2020042013' });
    expect(all.map((t) => t.mchid)).toEqual(['1230000109', '1900000001', '1230000109']);
    const mine = listTransitions(log, {
      family: 'transferBills',
      resourceKey: 'plfk2020042013',
      mchid: '1230000109',
    });
    expect(mine.map((t) => t.to)).toEqual(['ACCEPTED', null]);
    expect(
      listTransitions(log, { family: 'recharges', resourceKey: 'plfk2020042013' }).map((t) => t.to),
    ).toEqual(['WAIT_PAY']);
    expect(listTransitions(log, { family: 'transferBills', resourceKey: 'nothing' })).toEqual([]);
    expect(
      listTransitions(log, { family: 'transferBills', resourceKey: 'plfk2020042013', mchid: '1' }),
    ).toEqual([]);
  });
});
