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
