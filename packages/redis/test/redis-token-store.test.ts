import { expect, it } from 'vitest';
import { RedisTokenStore } from '../src/index.js';
import { connectClient, describeWithRedis, useRedis } from './support/redis-server.js';

describeWithRedis('RedisTokenStore against a real redis-server', () => {
  const redis = useRedis();

  it('starts full: `burst` takes at one instant, then says how long until the next token', async () => {
    const store = new RedisTokenStore({ client: redis.client });
    const results = [];
    for (let i = 0; i < 6; i++)
      results.push(await store.take('1900007291:authorizations.close', 1, 5, Date.now()));
    expect(results.slice(0, 5)).toEqual(Array(5).fill({ ok: true }));
    expect(results[5]).toMatchObject({ ok: false });
    // At 1 token/s an empty bucket is at most 1 000 ms (plus rounding) from the next token.
    const { retryAfterMs } = results[5] as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1_000);
  });

  it('keeps one bucket per (mchid, operation) key', async () => {
    const store = new RedisTokenStore({ client: redis.client });
    expect(await store.take('1900007291:authorizations.close', 1, 1, 0)).toEqual({ ok: true });
    expect(await store.take('1900007291:authorizations.close', 1, 1, 0)).toMatchObject({ ok: false });
    expect(await store.take('1900007291:authorizations.get', 1, 1, 0)).toEqual({ ok: true });
    expect(await store.take('1900000109:authorizations.close', 1, 1, 0)).toEqual({ ok: true });
    expect(await redis.client.keys('wxpay:rate:*')).toHaveLength(3);
  });

  it("refills on Redis's clock: the caller's nowMs (a skewed host) changes nothing", async () => {
    const store = new RedisTokenStore({ client: redis.client });
    const hour = 3_600_000;
    // A host an hour ahead must not refill the bucket it shares with one an hour behind.
    expect(await store.take('m:op', 1, 1, Date.now() - hour)).toEqual({ ok: true });
    expect(await store.take('m:op', 1, 1, Date.now() + hour)).toMatchObject({ ok: false });
    expect(await store.take('m:op', 1, 1, Date.now() + 24 * hour)).toMatchObject({ ok: false });
  });

  it('two stores (two connections) on one key never both get the last token', async () => {
    const other = await connectClient(redis.server.url);
    try {
      const stores = [
        new RedisTokenStore({ client: redis.client }),
        new RedisTokenStore({ client: other.client }),
      ];
      const takes = Array.from({ length: 40 }, (_, i) => stores[i % 2]!.take('m:shared', 0.001, 10, 0));
      const granted = (await Promise.all(takes)).filter((result) => result.ok).length;
      expect(granted).toBe(10);
    } finally {
      other.client.destroy();
    }
  });

  it('the bucket key expires once it would be full again, so idle buckets leave nothing behind', async () => {
    const store = new RedisTokenStore({ client: redis.client, keyPrefix: 'test:' });
    await store.take('m:op', 10, 10, 0);
    const ttl = await redis.client.pTTL('test:rate:m:op');
    // One token spent at 10/s is 100 ms from full; the script adds a 1 000 ms margin.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_100);
  });

  it('runs after a SCRIPT FLUSH (server restart) by loading the script again', async () => {
    const store = new RedisTokenStore({ client: redis.client });
    expect(await store.take('m:a', 1, 1, 0)).toEqual({ ok: true });
    await redis.client.scriptFlush();
    expect(await store.take('m:b', 1, 1, 0)).toEqual({ ok: true });
  });

  it('refuses a bad policy or localShare with a message naming the option', () => {
    expect(() => new RedisTokenStore({ client: redis.client, policy: 'maybe' as never })).toThrow(
      /policy must be/,
    );
    expect(() => new RedisTokenStore({ client: redis.client, localShare: 0 })).toThrow(
      /localShare must be in/,
    );
  });
});
