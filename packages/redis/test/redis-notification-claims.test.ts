import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  claimWindowSeconds,
  type NotificationClaim,
  NotificationClaimLostError,
  RedisNotificationClaims,
} from '../src/index.js';
import { describeWithRedis, useRedis } from './support/redis-server.js';

describe('claimWindowSeconds reads the retry schedules from the catalogue', () => {
  it('a transfer-bill notification: 15 s × 10, 300 s × 10, 1 800 s × 44 after the first attempt', () => {
    expect(claimWindowSeconds('MCHTRANSFER.BILL.FINISHED')).toBe(150 + 3_000 + 79_200);
  });

  it('an unknown or absent event type: the longest schedule in the catalogue (the generic 24 h 4 min)', () => {
    expect(claimWindowSeconds('SOMETHING.NEW')).toBe(24 * 3_600 + 4 * 60);
    expect(claimWindowSeconds()).toBe(24 * 3_600 + 4 * 60);
  });
});

describeWithRedis('RedisNotificationClaims against a real redis-server', () => {
  const redis = useRedis();

  const claimed = (outcome: Awaited<ReturnType<RedisNotificationClaims['claim']>>): NotificationClaim => {
    if (outcome.status !== 'claimed') throw new Error(`expected a claim, got ${outcome.status}`);
    return outcome.claim;
  };

  it('first delivery claims; a redelivery meanwhile hears in-progress; after complete it hears done with the result', async () => {
    const claims = new RedisNotificationClaims({ client: redis.client });
    const first = claimed(await claims.claim('EV-1', { eventType: 'MCHTRANSFER.BILL.FINISHED' }));
    expect(first).toMatchObject({ eventId: 'EV-1', attempt: 1, recorded: true, retryOf: undefined });

    const during = await claims.claim('EV-1');
    expect(during.status).toBe('in-progress');
    if (during.status === 'in-progress') {
      expect(during.leaseEndsAt.getTime() - during.startedAt.getTime()).toBe(300_000);
    }

    await claims.complete(first, { booked: 'B-77' });
    const after = await claims.claim('EV-1');
    expect(after).toMatchObject({ status: 'done', result: { booked: 'B-77' }, attempt: 1 });
  });

  it('the record outlives the whole retry schedule of its event type, plus the lease', async () => {
    const claims = new RedisNotificationClaims({ client: redis.client, leaseMs: 60_000 });
    await claims.claim('EV-TTL', { eventType: 'MCHTRANSFER.BILL.FINISHED' });
    const ttl = await redis.client.pTTL('wxpay:notification:EV-TTL');
    expect(ttl).toBeGreaterThan(82_350_000);
    expect(ttl).toBeLessThanOrEqual(82_350_000 + 60_000);
  });

  it('after a recorded failure the next delivery claims it again and learns why the last run failed', async () => {
    const claims = new RedisNotificationClaims({ client: redis.client });
    const first = claimed(await claims.claim('EV-2'));
    await claims.fail(first, new Error('ledger offline'));
    const second = claimed(await claims.claim('EV-2'));
    expect(second).toMatchObject({
      attempt: 2,
      retryOf: { state: 'failed', error: 'Error: ledger offline' },
    });
    expect((await claims.claim('EV-2')).status).toBe('in-progress');
  });

  it('a claim held past its lease is taken over; the old holder can no longer record an outcome', async () => {
    const claims = new RedisNotificationClaims({ client: redis.client, leaseMs: 150 });
    const stale = claimed(await claims.claim('EV-3'));
    await delay(400);
    const takeover = claimed(await claims.claim('EV-3'));
    expect(takeover).toMatchObject({ attempt: 2, retryOf: { state: 'abandoned' } });
    const lost = await claims.complete(stale, 'late').catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(NotificationClaimLostError);
    expect((lost as Error).message).toContain('lease of 150 ms');
    await claims.complete(takeover, 'on time');
    expect(await claims.claim('EV-3')).toMatchObject({ status: 'done', result: 'on time', attempt: 2 });
  });

  it('runOnce: ten concurrent deliveries of one id run the work exactly once', async () => {
    const claims = new RedisNotificationClaims({ client: redis.client });
    let runs = 0;
    const work = async () => {
      runs++;
      await delay(50);
      return { booked: runs };
    };
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => claims.runOnce({ id: 'EV-4' }, work)),
    );
    expect(runs).toBe(1);
    expect(outcomes.filter((outcome) => outcome.status === 'ran')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'in-progress')).toHaveLength(9);
    expect(await claims.runOnce({ id: 'EV-4' }, work)).toMatchObject({
      status: 'done',
      result: { booked: 1 },
    });
  });

  it('runOnce: a failing work is recorded as failed and rethrown; the redelivery runs it again', async () => {
    const claims = new RedisNotificationClaims({ client: redis.client });
    const failure = new Error('ledger offline');
    await expect(claims.runOnce({ id: 'EV-5' }, async () => Promise.reject(failure))).rejects.toBe(failure);
    const retried = await claims.runOnce({ id: 'EV-5' }, async () => 'booked');
    expect(retried).toMatchObject({ status: 'ran', result: 'booked', claim: { attempt: 2 } });
  });

  it('refuses an empty id and a bad policy or lease with a message naming them', async () => {
    const claims = new RedisNotificationClaims({ client: redis.client });
    await expect(claims.claim('')).rejects.toThrow(/notification id must be a non-empty string/);
    expect(() => new RedisNotificationClaims({ client: redis.client, policy: 'local' as never })).toThrow(
      /policy must be one of 'closed', 'open', got local/,
    );
    expect(() => new RedisNotificationClaims({ client: redis.client, leaseMs: 0 })).toThrow(/leaseMs/);
  });
});
