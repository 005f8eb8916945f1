import { afterEach, describe, expect, it } from 'vitest';
import { enqueueNotification } from '../../src/notify/outbox.js';
import { createHarness, type Harness } from '../support/framework-harness.js';
import { heldFetch, until } from '../support/held-fetch.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('control API: POST /reset', () => {
  it('waits for the scheduler, abandons the delivery in flight, and leaves later clock advances working', async () => {
    const merchant = heldFetch();
    h = await createHarness({ rateLimits: false, fetch: merchant.fetch });
    const { db, clock } = h.runtime;
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
    const advancing = h.control('POST', '/_emulator/clock/advance', { seconds: 1 });
    await until(() => merchant.calls === 1, 'the delivery is in flight');

    const reset = await h.control('POST', '/_emulator/reset');
    expect(reset.statusCode).toBe(200);
    expect(reset.json().deleted.notify_notifications).toBe(1);
    // Whatever the merchant does now concerns a notification that no longer exists.
    merchant.release(200);
    const advanced = await advancing;
    expect(advanced.statusCode, advanced.payload).toBe(200);
    expect(merchant.aborted).toBe(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM notify_attempts').get()).toEqual({ n: 0 });

    const later = await h.control('POST', '/_emulator/clock/advance', { seconds: 60 });
    expect(later.statusCode, later.payload).toBe(200);
    expect(merchant.calls).toBe(1);
  });
});
