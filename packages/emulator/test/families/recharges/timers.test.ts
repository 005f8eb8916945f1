import { describe, expect, it } from 'vitest';
import { rechargesFamily } from '../../../src/families/recharges/index.js';
import { transitions } from '../../../src/families/recharges/machine.js';
import { PLATFORM, START_MS } from '../support/family-harness.js';
import { apply, close, get, pay, rechargeHarness } from './support.js';

const SEVEN_DAYS = 7 * 24 * 3600 * 1000;

describe('recharges timer: 7 days without payment', () => {
  it('stays RECHARGING until the last millisecond of the 7 days', () => {
    const h = rechargeHarness();
    apply(h);
    expect(h.advanceTo(START_MS + SEVEN_DAYS - 1)).toHaveLength(0);
    expect(get(h)['recharge_state']).toBe('RECHARGING');
  });

  it('closes the recharge at 7 days: 超过时间限制，系统自动关闭充值单, RECHARGE.CLOSED sent', () => {
    const h = rechargeHarness();
    apply(h);
    expect(h.advanceTo(START_MS + SEVEN_DAYS + 5000)).toHaveLength(1);
    const entity = get(h);
    expect(entity).toMatchObject({
      recharge_state: 'CLOSED',
      recharge_state_desc: '超过时间限制，系统自动关闭充值单',
      close_time: '2025-05-27T12:00:00.000+08:00',
    });
    expect(h.notifications()).toEqual([
      expect.objectContaining({
        mchid: PLATFORM,
        eventType: 'RECHARGE.CLOSED',
        resource: { ...entity, remark: '保证金充值' },
      }),
    ]);
  });

  it('dates the close at the 7-day deadline even when the timer runs days late', () => {
    const h = rechargeHarness();
    apply(h);
    h.clock.advance(SEVEN_DAYS + 3 * 24 * 3600 * 1000);
    expect(h.runDue().map((t) => t.kind)).toEqual(['expire']);
    expect(get(h)).toMatchObject({ recharge_state: 'CLOSED', close_time: '2025-05-27T12:00:00.000+08:00' });
  });

  it('does nothing for a recharge paid in the meantime', () => {
    const h = rechargeHarness();
    apply(h);
    h.advanceBy(SEVEN_DAYS - 60_000);
    pay(h, { channel: 'QR_RECHARGE' });
    h.advanceBy(120_000);
    expect(get(h)['recharge_state']).toBe('SUCCESS');
    expect(h.notifications().map((n) => n.eventType)).toEqual(['RECHARGE.SUCCESS']);
  });

  it('does nothing for a recharge the platform closed first (no second RECHARGE.CLOSED)', () => {
    const h = rechargeHarness();
    apply(h);
    const closed = close(h).body;
    h.advanceBy(SEVEN_DAYS);
    expect(get(h)).toEqual(closed);
    expect(h.notifications()).toHaveLength(1);
  });

  it('does nothing for a recharge that no longer exists', () => {
    const h = rechargeHarness();
    apply(h);
    h.db.exec('DELETE FROM recharges');
    expect(h.advanceBy(SEVEN_DAYS)).toHaveLength(1);
    expect(h.notifications()).toEqual([]);
  });
});

describe('recharges family module', () => {
  it('has a timer handler for every timer row, and a handler for each catalogue operation', () => {
    const timerEvents = transitions.filter((row) => row.actor === 'timer').map((row) => row.event);
    expect(Object.keys(rechargesFamily.timers).sort()).toEqual([...new Set(timerEvents)].sort());
    expect(Object.keys(rechargesFamily.operations).sort()).toEqual([
      'recharges.apply',
      'recharges.close',
      'recharges.get',
    ]);
    expect(rechargesFamily.family).toBe('recharges');
  });

  it('mounts the user’s and the system’s actions with their actors', () => {
    expect(rechargesFamily.control.map((a) => [a.method, a.path, a.actor])).toEqual([
      ['POST', '/:mchid/:out_recharge_no/pay', 'user'],
      ['POST', '/:mchid/:out_recharge_no/return-funds', 'system'],
    ]);
  });

  it('migrate is idempotent', () => {
    const h = rechargeHarness();
    apply(h);
    rechargesFamily.migrate(h.db);
    expect(get(h)['recharge_state']).toBe('RECHARGING');
  });
});
