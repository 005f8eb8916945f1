import { operations } from '@wxpay-kit/sdk/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { RateLimiter } from '../../src/wire/rate-limit.js';
import { createHarness, type Harness } from '../support/framework-harness.js';

describe('RateLimiter', () => {
  it('allows a second’s worth of calls, then refuses until virtual time refills the bucket', () => {
    const clock = new VirtualClock({ mode: 'manual', start: 0 });
    const wall = 5_000;
    const limiter = new RateLimiter(clock, { enabled: true, perSecond: {} }, () => wall);
    const limit = { perSecond: 3, code: 'FREQUENCY_LIMITED', source: 'assumed' } as const;
    for (let i = 0; i < 3; i++) limiter.take('1900000001', 'recharges.get', limit, '频率超限');
    expect(() => limiter.take('1900000001', 'recharges.get', limit, '频率超限')).toThrow(
      expect.objectContaining({ status: 429, code: 'FREQUENCY_LIMITED' }),
    );
    // Buckets are per merchant and per operation.
    limiter.take('1900000002', 'recharges.get', limit, '频率超限');
    limiter.take('1900000001', 'recharges.close', limit, '频率超限');
    clock.advance(334);
    limiter.take('1900000001', 'recharges.get', limit, '频率超限');
    expect(() => limiter.take('1900000001', 'recharges.get', limit, '频率超限')).toThrow();
  });

  it('also refills with wall time while a manual clock stands still', () => {
    const clock = new VirtualClock({ mode: 'manual', start: 0 });
    let wall = 5_000;
    const limiter = new RateLimiter(clock, { enabled: true, perSecond: {} }, () => wall);
    const limit = { perSecond: 1, code: 'RATELIMIT_EXCEEDED', source: 'documented' } as const;
    limiter.take('1900000001', 'authorizations.get', limit, '频率超限');
    expect(() => limiter.take('1900000001', 'authorizations.get', limit, '频率超限')).toThrow();
    wall += 1_000;
    limiter.take('1900000001', 'authorizations.get', limit, '频率超限');
  });

  it('does nothing when disabled', () => {
    const clock = new VirtualClock({ mode: 'manual', start: 0 });
    const limiter = new RateLimiter(clock, { enabled: false, perSecond: {} });
    const limit = { perSecond: 1, code: 'X', source: 'assumed' } as const;
    for (let i = 0; i < 5; i++) limiter.take('1', 'op', limit, 'm');
  });
});

describe('rate limits through the app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  const url = '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/A1';

  it('authorizations.get over a lowered rate answers 429 with the operation’s code, signed', async () => {
    const set = await h.control('POST', '/_emulator/settings', {
      rateLimits: { perSecond: { 'authorizations.get': 2 } },
    });
    expect(set.statusCode).toBe(200);
    expect((await h.call('ordinary', { method: 'GET', url })).statusCode).toBe(200);
    expect((await h.call('ordinary', { method: 'GET', url })).statusCode).toBe(200);
    const limited = await h.call('ordinary', { method: 'GET', url });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe(operations['authorizations.get'].rateLimit.code);
    expect(limited.headers['wechatpay-signature']).toBeDefined();
    await h.control('POST', '/_emulator/clock/advance', { seconds: 1 });
    expect((await h.call('ordinary', { method: 'GET', url })).statusCode).toBe(200);
  });

  it('authorizations.get is not limited once rate limits are switched off', async () => {
    await h.control('POST', '/_emulator/settings', { rateLimits: false });
    for (let i = 0; i < 4; i++)
      expect((await h.call('ordinary', { method: 'GET', url })).statusCode).toBe(200);
  });
});
