import { WechatPay, WechatPayTimeoutError } from '@wxpay-kit/sdk';
import { generateTestMerchant } from '@wxpay-kit/sdk/testing';
import { expect, it } from 'vitest';
import { RedisNotificationClaims, RedisTokenStore, RedisUnavailableError } from '../src/index.js';
import {
  describeWithRedis,
  RedisServer,
  useRedis,
  waitForDisconnect,
  waitForReady,
} from './support/redis-server.js';

// Each policy with Redis stopped (killed: connection refused) and stalled (SIGSTOP: connected, silent).
// Bounds on elapsed time are loose upper limits (seconds against sub-second expectations) so a busy host
// cannot fail them; what they prove is that nothing waits for the 30 s command timeout or forever.
describeWithRedis('when Redis is down or stalled', () => {
  const redis = useRedis('test');

  async function killRedis(): Promise<void> {
    await redis.server.stop();
    await waitForDisconnect(redis.client);
  }

  async function rejection(promise: Promise<unknown>): Promise<RedisUnavailableError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    return error as RedisUnavailableError;
  }

  it("token store, policy 'closed': Redis killed → RedisUnavailableError naming the cause; back again → shared again", async () => {
    const store = new RedisTokenStore({ client: redis.client, policy: 'closed' });
    expect(await store.take('m:op', 10, 10, Date.now())).toEqual({ ok: true });
    await killRedis();
    const error = await rejection(store.take('m:op', 10, 10, Date.now()));
    expect(error).toMatchObject({
      helper: 'rate-limit',
      reason: 'NOT_CONNECTED',
      command: 'EVALSHA',
      retryable: true,
    });
    expect(error.message).toMatch(
      /^@wxpay-kit\/redis rate-limit: Redis unavailable \(NOT_CONNECTED\) on EVALSHA: /,
    );

    redis.server = await RedisServer.start(redis.server.port);
    await waitForReady(redis.client);
    expect(await store.take('m:op', 10, 10, Date.now())).toEqual({ ok: true });
    expect(await redis.client.exists('wxpay:rate:m:op')).toBe(1);
  });

  it("token store, policy 'open': Redis killed → every take granted, each failure reported", async () => {
    const reported: RedisUnavailableError[] = [];
    const store = new RedisTokenStore({
      client: redis.client,
      policy: 'open',
      onUnavailable: (error) => reported.push(error),
    });
    await killRedis();
    for (let i = 0; i < 20; i++) expect(await store.take('m:op', 1, 1, Date.now())).toEqual({ ok: true });
    expect(reported).toHaveLength(20);
    expect(reported[0]).toMatchObject({ reason: 'NOT_CONNECTED' });
  });

  it("token store, policy 'local' (default): Redis killed → this process keeps to localShare of the rate", async () => {
    const store = new RedisTokenStore({ client: redis.client, localShare: 0.5 });
    await killRedis();
    const now = Date.now();
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await store.take('m:op', 10, 10, now));
    // Half of a 10-token burst, then a wait at half of 10/s (one token per 200 ms).
    expect(results.filter((result) => result.ok)).toHaveLength(5);
    expect(results[5]).toEqual({ ok: false, retryAfterMs: 200 });
  });

  it('token store: a stalled Redis answers within commandTimeoutMs (TIMEOUT), then fails fast while cooling down', async () => {
    const store = new RedisTokenStore({
      client: redis.client,
      policy: 'closed',
      commandTimeoutMs: 200,
      cooldownMs: 60_000,
    });
    expect(await store.take('m:op', 10, 10, Date.now())).toEqual({ ok: true });
    redis.server.pause();
    const started = performance.now();
    const timeout = await rejection(store.take('m:op', 10, 10, Date.now()));
    expect(timeout).toMatchObject({ reason: 'TIMEOUT' });
    expect(timeout.message).toContain('no reply within commandTimeoutMs (200 ms)');
    const cooling = await rejection(store.take('m:op', 10, 10, Date.now()));
    expect(cooling).toMatchObject({ reason: 'COOLING_DOWN', cause: timeout });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('SDK call: a stalled Redis never holds a call past its deadlineMs, even with a 30 s command timeout', async () => {
    const merchant = await generateTestMerchant();
    const store = new RedisTokenStore({
      client: redis.client,
      policy: 'closed',
      commandTimeoutMs: 30_000,
    });
    const wxpay = new WechatPay({
      mchid: merchant.mchid,
      serialNo: merchant.serialNo,
      privateKey: merchant.privateKey,
      wechatpayPublicKey: { id: 'PUB_KEY_ID_0000000000000024101100397200000006', key: merchant.publicKey },
      // Never reached: the call stops at the rate limit.
      baseUrl: 'http://127.0.0.1:9',
      rateLimit: { store },
    });
    redis.server.pause();
    const started = performance.now();
    const error = await wxpay.authorizations
      .close({ out_authorization_no: 'A1' }, { deadlineMs: 300 })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(WechatPayTimeoutError);
    expect((error as Error).message).toContain('deadline of 300 ms');
    expect(elapsed).toBeLessThan(15_000);
  });

  it('SDK call: an abort signal stops a take that waits on a stalled Redis', async () => {
    const store = new RedisTokenStore({
      client: redis.client,
      policy: 'closed',
      commandTimeoutMs: 30_000,
    });
    redis.server.pause();
    const controller = new AbortController();
    const pending = store.take('m:op', 10, 10, Date.now(), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 50);
    await expect(pending).rejects.toThrow('caller gave up');
  });

  it("claims, policy 'closed' (default): killed or stalled Redis → RedisUnavailableError, and the work never runs", async () => {
    const claims = new RedisNotificationClaims({
      client: redis.client,
      commandTimeoutMs: 200,
      cooldownMs: 0,
    });
    let runs = 0;
    redis.server.pause();
    const stalled = await rejection(claims.runOnce({ id: 'EV-1' }, async () => ++runs));
    expect(stalled).toMatchObject({ helper: 'notification-claims', reason: 'TIMEOUT' });
    redis.server.resume();
    await killRedis();
    const down = await rejection(claims.runOnce({ id: 'EV-1' }, async () => ++runs));
    expect(down).toMatchObject({ reason: 'NOT_CONNECTED' });
    expect(runs).toBe(0);
  });

  it("claims, policy 'open': Redis killed → an unrecorded claim, so the work runs (at-least-once)", async () => {
    const reported: RedisUnavailableError[] = [];
    const claims = new RedisNotificationClaims({
      client: redis.client,
      policy: 'open',
      onUnavailable: (error) => reported.push(error),
    });
    await killRedis();
    const outcome = await claims.runOnce({ id: 'EV-2' }, async () => 'booked');
    expect(outcome).toMatchObject({ status: 'ran', result: 'booked', claim: { recorded: false } });
    expect(reported.map((error) => error.reason)).toEqual(['NOT_CONNECTED']);
  });

  it('claims: Redis dies while the work runs → outcome still ran (answer success), the lost record reported', async () => {
    const reported: RedisUnavailableError[] = [];
    const claims = new RedisNotificationClaims({
      client: redis.client,
      onUnavailable: (error) => reported.push(error),
    });
    const outcome = await claims.runOnce({ id: 'EV-3' }, async () => {
      await killRedis();
      return 'booked';
    });
    expect(outcome).toMatchObject({ status: 'ran', result: 'booked' });
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain('NOT_CONNECTED');
  });
});
