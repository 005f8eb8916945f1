import { afterEach, describe, expect, it } from 'vitest';
import { enqueueNotification } from '../../src/notify/outbox.js';
import { createHarness, type Harness } from '../support/framework-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// The harness's test family registers as `recharges`: its timeline is under /resources/recharges/.
async function withHistory(): Promise<{ h: Harness; mchid: string }> {
  h = await createHarness({ rateLimits: false });
  const { familyDeps, db, clock } = h.runtime;
  const mchid = h.credentials.merchants.platform.mchid;
  familyDeps.recordTransition({
    family: 'recharges',
    mchid,
    resourceKey: 'CZ/1',
    from: null,
    to: 'WAIT_PAY',
    event: 'apply',
    actor: 'merchant',
  });
  familyDeps.recordTransition({
    family: 'recharges',
    mchid,
    resourceKey: 'CZ/1',
    from: 'WAIT_PAY',
    to: 'CLOSED',
    event: 'expire',
    actor: 'timer',
    at: clock.now() + 60_000,
  });
  // Same out-number, other merchant: a resource of its own.
  familyDeps.recordTransition({
    family: 'recharges',
    mchid: '1999999999',
    resourceKey: 'CZ/1',
    from: null,
    to: 'WAIT_PAY',
    event: 'apply',
    actor: 'merchant',
  });
  const notification = {
    mchid,
    url: 'https://merchant.example/notify',
    eventType: 'RECHARGE.CLOSED',
    summary: '充值单已关闭',
    originalType: 'recharge',
    associatedData: 'recharge',
    resource: { out_recharge_no: 'CZ/1', recharge_state: 'CLOSED' },
    resourceKey: 'CZ/1',
  };
  enqueueNotification(db, clock.now(), { ...notification, family: 'recharges' });
  // Another family's notification under the same key does not belong to this timeline.
  enqueueNotification(db, clock.now(), {
    ...notification,
    family: 'transferBills',
    eventType: 'MCHTRANSFER.BILL.FINISHED',
  });
  return { h, mchid };
}

describe('control API: GET /resources/:family/:key/timeline', () => {
  it("a resource's transitions in order with actor and time, and the notifications it caused with their attempts", async () => {
    const { h, mchid } = await withHistory();
    const res = await h.control(
      'GET',
      `/_emulator/resources/recharges/${encodeURIComponent('CZ/1')}/timeline?mchid=${mchid}`,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ family: 'recharges', resourceKey: 'CZ/1' });
    expect(
      body.transitions.map((t: { from: string | null; to: string; actor: string }) => [
        t.from,
        t.to,
        t.actor,
      ]),
    ).toEqual([
      [null, 'WAIT_PAY', 'merchant'],
      ['WAIT_PAY', 'CLOSED', 'timer'],
    ]);
    expect(body.transitions[0].at).toBe(h.runtime.clock.now());
    expect(body.transitions[0].time).toBe('2030-01-01T08:00:00.000+08:00');
    expect(body.transitions[1].time).toBe('2030-01-01T08:01:00.000+08:00');
    expect(body.notifications).toHaveLength(1);
    expect(body.notifications[0]).toMatchObject({
      eventType: 'RECHARGE.CLOSED',
      family: 'recharges',
      attempts: [],
    });
  });

  it('without mchid: every merchant’s resource under that out-number', async () => {
    const { h } = await withHistory();
    const res = await h.control(
      'GET',
      `/_emulator/resources/recharges/${encodeURIComponent('CZ/1')}/timeline`,
    );
    expect(res.json().transitions.map((t: { mchid: string }) => t.mchid)).toContain('1999999999');
    expect(res.json().transitions).toHaveLength(3);
  });

  it('404 NOT_FOUND for a resource with no history, for another merchant, for an unknown family, and after reset', async () => {
    const { h, mchid } = await withHistory();
    const missing = await h.control('GET', '/_emulator/resources/recharges/nothing/timeline');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.json().message).toContain('"nothing"');
    const otherMerchant = await h.control(
      'GET',
      `/_emulator/resources/recharges/${encodeURIComponent('CZ/1')}/timeline?mchid=1000000000`,
    );
    expect(otherMerchant.statusCode).toBe(404);
    expect(otherMerchant.json().message).toContain('of merchant 1000000000');
    const family = await h.control('GET', '/_emulator/resources/no-such-family/CZ1/timeline');
    expect(family.statusCode).toBe(404);
    expect((await h.control('POST', '/_emulator/reset', {})).statusCode).toBe(200);
    const afterReset = await h.control(
      'GET',
      `/_emulator/resources/recharges/${encodeURIComponent('CZ/1')}/timeline?mchid=${mchid}`,
    );
    expect(afterReset.statusCode).toBe(404);
  });
});
