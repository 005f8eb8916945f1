import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ECHO_CHARS, MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/wire/bounded-json.js';
import { createHarness, type Harness } from '../support/framework-harness.js';

// Issue 7, defect 4: a 5,000-deep value overflowed the stack (500) and the error echoed all of it.

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ rateLimits: false });
});
afterEach(() => h.close());

const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const platformSub = () => h.credentials.merchants.platform.subMerchants[0]!.mchid;
const applyBody = (amount: string) =>
  `{"sub_mchid":"${platformSub()}","out_recharge_no":"CZ1","recharge_scene":"ECOMMERCE_DEPOSIT","account_type":"DEPOSIT","recharge_amount":${amount}}`;

describe('deeply nested JSON', () => {
  it('a signed cancel whose body is 5,000 nested arrays is 400 PARAM_ERROR', async () => {
    const res = await h.call('ordinary', {
      method: 'POST',
      url: '/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/B1/cancel',
      body: deep(5000),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'PARAM_ERROR', detail: { location: 'body' } });
    expect(res.json().message).toContain(`${MAX_JSON_DEPTH}`);
  });

  it('a 5,000-deep value in a create field is 400 PARAM_ERROR, and nothing that deep is echoed', async () => {
    const res = await h.call('platform', {
      method: 'POST',
      url: '/v3/platsolution/ecommerce/recharges/apply',
      body: applyBody(deep(5000)),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('PARAM_ERROR');
    expect(res.body.length).toBeLessThan(2000);
  });

  it('a refused value is echoed at most MAX_ECHO_CHARS long', async () => {
    const big = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => i));
    const res = await h.call('platform', {
      method: 'POST',
      url: '/v3/platsolution/ecommerce/recharges/apply',
      body: applyBody(big),
    });
    expect(res.statusCode).toBe(400);
    const { detail } = res.json();
    expect(detail.field).toBe('/recharge_amount');
    expect(typeof detail.value).toBe('string');
    expect(detail.value.length).toBeLessThanOrEqual(MAX_ECHO_CHARS + 1);
    expect(detail.value.startsWith('[0,1,2,')).toBe(true);
  });

  it('a deep control body (built-in route and family action) is 400, not 500', async () => {
    for (const url of ['/_emulator/faults', '/_emulator/recharges/CZ1/pay', '/_emulator/settings']) {
      const res = await h.app.inject({
        method: 'POST',
        url,
        payload: `{"a":${deep(5000)}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().message, url).toMatch(/nested deeper than 64/);
    }
  });
});

describe('nestsDeeperThan', () => {
  it('counts brackets outside strings only', () => {
    expect(nestsDeeperThan('[[1]]', 2)).toBe(false);
    expect(nestsDeeperThan('[[[1]]]', 2)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":1}}', 2)).toBe(false);
    expect(nestsDeeperThan(`["${'['.repeat(100)}", "\\"[[["]`, 1)).toBe(false);
  });
});
