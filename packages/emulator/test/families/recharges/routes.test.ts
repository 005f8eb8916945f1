import { RechargeEntity } from '@wxpay-kit/sdk/catalogue';
import { describe, expect, it } from 'vitest';
import {
  expectApiError,
  OTHER_PLATFORM,
  OTHER_SUB,
  PLATFORM,
  START_MS,
  SUB_A,
  SUB_B,
} from '../support/family-harness.js';
import { apply, applyBody, close, get, pay, rechargeHarness } from './support.js';

// The catalogue's entity lists seed 003's members in the seed's order.
const SEED_FIELDS = Object.keys(RechargeEntity.properties);

function inSeedOrder(entity: Record<string, unknown>) {
  const keys = Object.keys(entity);
  expect(
    keys.every((k) => SEED_FIELDS.includes(k)),
    `unexpected member in ${keys.join(',')}`,
  ).toBe(true);
  expect(keys).toEqual(SEED_FIELDS.filter((f) => keys.includes(f)));
}

describe('recharges.apply', () => {
  it('answers recharge_id, out_recharge_no and a recharge_url with an opaque token', () => {
    const h = rechargeHarness();
    const answer = apply(h);
    expect(Object.keys(answer)).toEqual(['recharge_id', 'out_recharge_no', 'recharge_url']);
    expect(answer.recharge_id).toMatch(/^[0-9]{18,}$/);
    expect(answer.out_recharge_no).toBe('cz2020042013');
    expect(answer.recharge_url).toMatch(
      /^https:\/\/www\.payapp\.qq\.com\/plat\/recharge\.html\?token=[A-Za-z0-9_-]{16,}$/,
    );
  });

  it('creates a RECHARGING recharge with no payment fields yet', () => {
    const h = rechargeHarness();
    const { recharge_id } = apply(h);
    const entity = get(h);
    expect(entity).toEqual({
      sp_mchid: PLATFORM,
      sub_mchid: SUB_A,
      recharge_id,
      out_recharge_no: 'cz2020042013',
      account_type: 'DEPOSIT',
      recharge_state: 'RECHARGING',
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      recharge_amount: { amount: 500000, currency: 'CNY' },
    });
  });

  it('echoes available_recharge_channels only when the platform named them', () => {
    const h = rechargeHarness();
    apply(h, { out_recharge_no: 'a1', available_recharge_channels: ['QR_RECHARGE', 'ONLINE_BANK'] });
    apply(h, { out_recharge_no: 'a2' });
    expect(get(h, 'a1')['available_recharge_channels']).toEqual(['QR_RECHARGE', 'ONLINE_BANK']);
    expect(get(h, 'a2')).not.toHaveProperty('available_recharge_channels');
  });

  it('schedules the 7-day close when the recharge is created', () => {
    const h = rechargeHarness();
    apply(h);
    expect(h.timers()).toEqual([
      expect.objectContaining({
        family: 'recharges',
        kind: 'expire',
        ref: `${PLATFORM}:cz2020042013`,
        dueAt: START_MS + 7 * 24 * 3600 * 1000,
      }),
    ]);
    expect(h.notifications()).toEqual([]);
  });

  it('accepts ECOMMERCE_PAYMENT with OPERATION', () => {
    const h = rechargeHarness();
    apply(h, { recharge_scene: 'ECOMMERCE_PAYMENT', account_type: 'OPERATION' });
    expect(get(h)).toMatchObject({ recharge_scene: 'ECOMMERCE_PAYMENT', account_type: 'OPERATION' });
  });

  it.each([
    ['http://example.com/notify', 'https://'],
    ['https://example.com/notify?a=1', 'query'],
    ['https://127.0.0.1/notify', 'publicly reachable'],
    ['https://localhost:8443/notify', 'publicly reachable'],
    ['not a url', 'absolute URL'],
  ])('refuses notify_url %s', (url, issue) => {
    const h = rechargeHarness();
    const error = expectApiError(
      () => h.call('recharges.apply', { caller: PLATFORM, body: applyBody({ notify_url: url }) }),
      400,
      'PARAM_ERROR',
    );
    expect(error.detail).toMatchObject({ field: '/notify_url', value: url });
    expect(error.detail?.issue).toContain(issue);
  });

  it('accepts http://127.0.0.1 notify URLs when allowInsecureNotifyUrls is on', () => {
    const h = rechargeHarness({ allowInsecureNotifyUrls: true });
    apply(h, { notify_url: 'http://127.0.0.1:3000/notify' });
    expect(get(h)['recharge_state']).toBe('RECHARGING');
  });

  it('same out_recharge_no and the same body (any key order) answers the existing recharge', () => {
    const h = rechargeHarness();
    const first = apply(h);
    const reordered = Object.fromEntries(Object.entries(applyBody()).reverse());
    const again = h.call('recharges.apply', { caller: PLATFORM, body: reordered });
    expect(again).toEqual({ status: 200, body: first });
    expect(h.timers()).toHaveLength(1);
  });

  it('same out_recharge_no with a different body is 400 INVALID_REQUEST', () => {
    const h = rechargeHarness();
    apply(h);
    const error = expectApiError(
      () =>
        h.call('recharges.apply', {
          caller: PLATFORM,
          body: applyBody({ recharge_amount: { amount: 1, currency: 'CNY' } }),
        }),
      400,
      'INVALID_REQUEST',
    );
    expect(error.detail).toMatchObject({ field: '/out_recharge_no', value: 'cz2020042013' });
    expect(get(h)['recharge_amount']).toEqual({ amount: 500000, currency: 'CNY' });
  });

  it('out_recharge_no is unique per platform, not across platforms', () => {
    const h = rechargeHarness();
    const mine = apply(h);
    const theirs = h.call('recharges.apply', {
      caller: OTHER_PLATFORM,
      body: applyBody({ sub_mchid: OTHER_SUB }),
    }).body as { recharge_id: string };
    expect(theirs.recharge_id).not.toBe(mine.recharge_id);
  });
});

describe('recharges.get', () => {
  it('answers the seed-003 entity in seed order', () => {
    const h = rechargeHarness();
    apply(h, { available_recharge_channels: ['BANK_TRANSFER'] });
    pay(h, { channel: 'BANK_TRANSFER' });
    const entity = get(h);
    inSeedOrder(entity);
    expect(entity).toMatchObject({ recharge_state: 'SUCCESS', recharge_channel: 'BANK_TRANSFER' });
  });

  it('is 404 NOT_FOUND 充值单不存在 for an unknown number', () => {
    const h = rechargeHarness();
    const error = expectApiError(() => get(h, 'nosuch'), 404, 'NOT_FOUND');
    expect(error.message).toBe('充值单不存在');
  });

  it('is 404 for a number that belongs to another sub-merchant of the platform', () => {
    const h = rechargeHarness();
    apply(h);
    expectApiError(() => get(h, 'cz2020042013', SUB_B), 404, 'NOT_FOUND');
  });

  it('is 404 for another platform’s recharge', () => {
    const h = rechargeHarness();
    h.call('recharges.apply', { caller: OTHER_PLATFORM, body: applyBody({ sub_mchid: OTHER_SUB }) });
    expectApiError(() => get(h), 404, 'NOT_FOUND');
  });

  it('never changes state, even long after the 7 days', () => {
    const h = rechargeHarness();
    apply(h);
    h.clock.set(START_MS + 30 * 24 * 3600 * 1000);
    expect(get(h)['recharge_state']).toBe('RECHARGING');
    expect(h.notifications()).toEqual([]);
  });
});

describe('recharges.close', () => {
  it('closes a RECHARGING recharge: CLOSED, 平台商户主动关闭充值单, close_time now', () => {
    const h = rechargeHarness();
    apply(h);
    h.clock.set(START_MS + 60_000);
    const result = close(h);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      recharge_state: 'CLOSED',
      recharge_state_desc: '平台商户主动关闭充值单',
      close_time: '2025-05-20T12:01:00.000+08:00',
    });
    inSeedOrder(result.body as Record<string, unknown>);
    expect(get(h)).toEqual(result.body);
  });

  it('sends RECHARGE.CLOSED with the entity plus remark', () => {
    const h = rechargeHarness();
    apply(h);
    const closed = close(h).body as Record<string, unknown>;
    expect(h.notifications()).toEqual([
      {
        mchid: PLATFORM,
        url: 'https://www.weixin.qq.com/wxpay/recharge-notify',
        eventType: 'RECHARGE.CLOSED',
        summary: '充值单已关闭',
        originalType: 'recharge',
        associatedData: 'recharge',
        resource: { ...closed, remark: '保证金充值' },
        family: 'recharges',
        resourceKey: 'cz2020042013',
        at: START_MS,
      },
    ]);
  });

  it('closing a CLOSED recharge again answers it unchanged (idempotent), without a second notification', () => {
    const h = rechargeHarness();
    apply(h);
    const first = close(h);
    h.clock.set(START_MS + 3_600_000);
    expect(close(h)).toEqual(first);
    expect(h.notifications()).toHaveLength(1);
  });

  it('closing a SUCCESS recharge is 400 INVALID_REQUEST and leaves it paid', () => {
    const h = rechargeHarness();
    apply(h);
    pay(h, { channel: 'QR_RECHARGE' });
    const error = expectApiError(() => close(h), 400, 'INVALID_REQUEST');
    expect(error.message).toContain('SUCCESS');
    expect(get(h)['recharge_state']).toBe('SUCCESS');
  });

  it('is 404 NOT_FOUND 充值单不存在 for an unknown number or the wrong sub_mchid', () => {
    const h = rechargeHarness();
    apply(h);
    expect(expectApiError(() => close(h, 'nosuch'), 404, 'NOT_FOUND').message).toBe('充值单不存在');
    expect(expectApiError(() => close(h, 'cz2020042013', SUB_B), 404, 'NOT_FOUND').detail).toMatchObject({
      field: 'out_recharge_no',
      location: 'url',
    });
    expect(get(h)['recharge_state']).toBe('RECHARGING');
  });

  it('sends nothing when the recharge has no notify_url', () => {
    const h = rechargeHarness();
    const { notify_url: _omit, ...body } = applyBody();
    h.call('recharges.apply', { caller: PLATFORM, body });
    close(h);
    expect(h.notifications()).toEqual([]);
  });
});
