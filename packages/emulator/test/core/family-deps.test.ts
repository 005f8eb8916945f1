import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, sharedCredentials } from '../support/framework-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const APPLY = '/v3/platsolution/ecommerce/recharges/apply';

describe('FamilyDeps.notify', () => {
  it('a merchant without an APIv3 key: the notification is queued, its attempt logged as not sent, then failed', async () => {
    const shared = await sharedCredentials();
    const credentials = structuredClone(shared);
    credentials.merchants.platform.apiV3Key = '';
    const calls: string[] = [];
    h = await createHarness({
      rateLimits: false,
      credentials,
      fetch: async (input) => {
        calls.push(String(input));
        return new Response(null, { status: 204 });
      },
    });
    const created = await h.call('platform', {
      method: 'POST',
      url: APPLY,
      body: JSON.stringify({
        sub_mchid: credentials.merchants.platform.subMerchants[0]!.mchid,
        out_recharge_no: 'NOKEY1',
        recharge_scene: 'ECOMMERCE_DEPOSIT',
        account_type: 'DEPOSIT',
        recharge_amount: { amount: 100, currency: 'CNY' },
        notify_url: 'https://merchant.example/notify',
      }),
    });
    expect(created.statusCode).toBe(200);
    // The test family's expire timer notifies the platform.
    await h.runtime.scheduler.advanceBy(60_000);

    const [notification, ...more] = h.runtime.worker.list({});
    expect(more).toEqual([]);
    expect(notification).toMatchObject({ mchid: credentials.merchants.platform.mchid, state: 'failed' });
    const log = h.runtime.worker.get(notification!.id)!;
    expect(log.attempts).toHaveLength(1);
    expect(log.attempts[0]).toMatchObject({ ok: false, httpStatus: null });
    expect(log.attempts[0]!.error).toMatch(/^not sent: merchant \d+ has no APIv3 key/);
    expect(calls).toEqual([]);
  });
});
