import { afterEach, describe, expect, it } from 'vitest';
import { enqueueNotification } from '../../src/notify/outbox.js';
import { createHarness, type Harness } from '../support/framework-harness.js';
import { heldFetch, until } from '../support/held-fetch.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('control API: POST /clock/advance', () => {
  it('a relative advance asked for while the scheduler is busy still moves the clock by that much', async () => {
    const merchant = heldFetch();
    h = await createHarness({ rateLimits: false, clock: { mode: 'real' }, fetch: merchant.fetch });
    const { db, clock, scheduler } = h.runtime;
    enqueueNotification(db, clock.now(), {
      mchid: h.credentials.merchants.platform.mchid,
      url: 'https://merchant.example/notify',
      eventType: 'RECHARGE.CLOSED',
      summary: '充值单已关闭',
      originalType: 'recharge',
      associatedData: 'recharge',
      resource: { out_recharge_no: 'CZ1', recharge_state: 'CLOSED' },
      family: 'recharges',
      resourceKey: 'CZ1',
    });
    const busy = scheduler.runDue();
    await until(() => merchant.calls === 1, 'the delivery is in flight');
    const before = clock.snapshot().offsetMs;

    const advancing = h.control('POST', '/_emulator/clock/advance', { ms: 50 });
    // The delivery keeps the scheduler busy for longer than the advance itself.
    await new Promise((resolve) => setTimeout(resolve, 200));
    merchant.release(204);
    await busy;
    const res = await advancing;
    expect(res.statusCode).toBe(200);
    const moved = res.json().offsetMs - before;
    expect(moved).toBeGreaterThanOrEqual(40);
    expect(moved).toBeLessThanOrEqual(51);
  });
});

describe('control API: clock advance bounds', () => {
  const applyBody = (no: string) =>
    JSON.stringify({
      sub_mchid: h!.credentials.merchants.platform.subMerchants[0]!.mchid,
      out_recharge_no: no,
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      account_type: 'DEPOSIT',
      recharge_amount: { amount: 100, currency: 'CNY' },
    });

  it.each([
    { seconds: 1e13 },
    { ms: 9e15 },
    { ms: 200 * 365 * 24 * 3600 * 1000 },
    { to: '9999-06-01T00:00:00+08:00' },
  ])('refuses %o before moving anything; the clock and API writes keep working', async (body) => {
    h = await createHarness({ rateLimits: false });
    const before = (await h.control('GET', '/_emulator/clock')).json();

    const res = await h.control('POST', '/_emulator/clock/advance', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/100 years|time range/);

    const after = await h.control('GET', '/_emulator/clock');
    expect(after.statusCode).toBe(200);
    expect(after.json().now).toBe(before.now);
    const write = await h.call('platform', {
      method: 'POST',
      url: '/v3/platsolution/ecommerce/recharges/apply',
      body: applyBody('CZafterRefusal'),
    });
    expect(write.json()).toMatchObject({ out_recharge_no: 'CZafterRefusal' });
  });

  it('an advance within the bounds still runs (the upper bound is not off by one)', async () => {
    h = await createHarness({ rateLimits: false });
    const res = await h.control('POST', '/_emulator/clock/advance', { seconds: 99 * 365 * 24 * 3600 });
    expect(res.statusCode).toBe(200);
    expect(res.json().time).toMatch(/^21\d\d-/);
  });
});

describe('control API: clock advance with receivers that never answer', () => {
  it('returns without waiting for them (advanceWaitMs), reports them in flight, and the healthy merchant is served', async () => {
    const { startMerchantServer } = await import('../notify/merchant-server.js');
    const dead = await startMerchantServer(() => 'hang');
    const healthy = await startMerchantServer(() => 200);
    try {
      // A minute-long answer window: one at a time, four dead receivers would hold the advance for four minutes.
      h = await createHarness({
        rateLimits: false,
        notifications: { timeoutMs: 60_000, advanceWaitMs: 0 },
      });
      const { db, clock } = h.runtime;
      const notify = (url: string, no: string) =>
        enqueueNotification(db, clock.now() + 500, {
          mchid: h!.credentials.merchants.platform.mchid,
          url,
          eventType: 'RECHARGE.CLOSED',
          summary: '充值单已关闭',
          originalType: 'recharge',
          associatedData: 'recharge',
          resource: { out_recharge_no: no, recharge_state: 'CLOSED' },
          family: 'recharges',
          resourceKey: no,
        });
      const stuck = ['D1', 'D2', 'D3', 'D4'].map((no) => notify(`${dead.url}/${no}`, no));
      const fine = notify(healthy.url, 'H1');

      const res = await h.control('POST', '/_emulator/clock/advance', { seconds: 1 });
      expect(res.statusCode).toBe(200);
      const inFlight = res.json().ran.inFlight as Array<{ id: number; url: string; dueTime: string }>;
      expect(inFlight.map((a) => a.id)).toEqual(expect.arrayContaining(stuck));
      expect(inFlight.find((a) => a.id === stuck[0])?.url).toBe(`${dead.url}/D1`);
      await until(
        () => h!.runtime.worker.get(fine)?.state === 'delivered',
        'the healthy merchant was served',
      );
      await until(() => dead.requests.length === 4, 'every dead receiver got its attempt, at once');
    } finally {
      await h?.close();
      h = undefined;
      await dead.close();
      await healthy.close();
    }
  });
});
