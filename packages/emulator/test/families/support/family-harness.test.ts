import { describe, expect, it } from 'vitest';
import type { FamilyModule } from '../../../src/families/family.js';
import { applyBody, rechargeHarness } from '../recharges/support.js';
import { FamilyHarness, PLATFORM, START_MS } from './family-harness.js';

const SECOND = 1000;

/** A family whose only job is to exercise the harness: one operation and one timer that re-arms itself. */
function probeFamily(): FamilyModule {
  const fired: number[] = [];
  return {
    family: 'recharges',
    migrate: () => undefined,
    operations: {
      'recharges.close': (deps, call) => {
        deps.schedule({ family: 'recharges', kind: 'tick', ref: 'r', dueAt: deps.clock.now() + 3 * SECOND });
        deps.schedule({ family: 'recharges', kind: 'tick', ref: 'r', dueAt: deps.clock.now() + SECOND });
        if (call.query['sub_mchid'] === '1900001122') throw new Error('refused after scheduling');
        // Only a 200 answer carries the documented body; 204 lets the probe answer without building one.
        return call.params['out_recharge_no'] === 'bad'
          ? { status: 200, body: { nonsense: true } }
          : { status: 204 };
      },
    },
    timers: {
      tick: (deps, timer) => {
        fired.push(deps.clock.now());
        if (timer.payload === undefined && fired.length === 1) {
          deps.schedule({ ...timer, dueAt: deps.clock.now(), payload: { again: true } });
        }
      },
    },
    control: [],
    inspect: { list: () => fired },
  };
}

const close = (h: FamilyHarness, outRechargeNo: string, subMchid = '1900001121') =>
  h.call('recharges.close', {
    caller: PLATFORM,
    params: { out_recharge_no: outRechargeNo },
    query: { sub_mchid: subMchid },
  });

describe('FamilyHarness', () => {
  it('refuses a request the catalogue schema would refuse (the framework would never hand it over)', () => {
    const h = rechargeHarness();
    const body = applyBody({ recharge_amount: { amount: '1', currency: 'CNY' } });
    expect(() => h.call('recharges.apply', { caller: PLATFORM, body })).toThrow(/fails the catalogue schema/);
  });

  it('refuses a request that breaks a catalogue cross-field rule (the framework would answer it 400 first)', () => {
    const h = rechargeHarness();
    const body = applyBody({ recharge_scene: 'ECOMMERCE_PAYMENT', account_type: 'DEPOSIT' });
    expect(() => h.call('recharges.apply', { caller: PLATFORM, body })).toThrow(
      /breaks a catalogue cross-field rule: body \/account_type: account_type must match recharge_scene/,
    );
  });

  it('refuses a 200 answer outside the response schema', () => {
    const h = new FamilyHarness(probeFamily());
    expect(() => close(h, 'bad')).toThrow(/answered outside its catalogue schema/);
  });

  it('rolls back what a failing handler scheduled, with its transaction', () => {
    const h = new FamilyHarness(probeFamily());
    expect(() => close(h, 'x1', '1900001122')).toThrow('refused after scheduling');
    expect(h.timers()).toEqual([]);
  });

  it('refuses notify and schedule outside a transaction', () => {
    const h = new FamilyHarness(probeFamily());
    expect(() => h.deps.schedule({ family: 'recharges', kind: 'tick', ref: 'r', dueAt: START_MS })).toThrow(
      /outside a transaction/,
    );
    const notification = {
      mchid: PLATFORM,
      url: 'https://merchant.example.com/notify',
      eventType: 'RECHARGE.CLOSED',
      summary: '充值单已关闭',
      originalType: 'recharge',
      associatedData: 'recharge',
      resource: {},
      family: 'recharges' as const,
      resourceKey: 'r',
    };
    expect(() => h.deps.notify(notification)).toThrow(/outside a transaction/);
    h.inTransaction(() => h.deps.notify(notification));
    expect(h.notifications()).toEqual([{ ...notification, at: START_MS }]);
  });

  it('fires timers in due order, each at its own due time, including those scheduled on the way', () => {
    const family = probeFamily();
    const h = new FamilyHarness(family);
    expect(close(h, 'x1').status).toBe(204);
    const fired = h.advanceBy(10 * SECOND);
    expect(fired.map((t) => t.dueAt)).toEqual([START_MS + SECOND, START_MS + SECOND, START_MS + 3 * SECOND]);
    expect(family.inspect.list(h.deps, {})).toEqual([
      START_MS + SECOND,
      START_MS + SECOND,
      START_MS + 3 * SECOND,
    ]);
    expect(h.clock.now()).toBe(START_MS + 10 * SECOND);
    expect(h.pendingTimers()).toEqual([]);
  });

  it('fires nothing when the clock moves by itself, and what is overdue on runDue', () => {
    const family = probeFamily();
    const h = new FamilyHarness(family);
    close(h, 'x1');
    h.clock.advance(5 * SECOND);
    expect(h.pendingTimers()).toHaveLength(2);
    expect(h.runDue()).toHaveLength(3);
    expect(family.inspect.list(h.deps, {})).toEqual([
      START_MS + 5 * SECOND,
      START_MS + 5 * SECOND,
      START_MS + 5 * SECOND,
    ]);
  });
});
