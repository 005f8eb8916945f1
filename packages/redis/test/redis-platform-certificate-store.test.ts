import { type StoredPlatformCertificates, WechatPayError } from '@wxpay-kit/sdk';
import { checkPlatformCertificateStore } from '@wxpay-kit/sdk/testing';
import { expect, it } from 'vitest';
import { RedisPlatformCertificateStore, RedisUnavailableError } from '../src/index.js';
import { connectClient, describeWithRedis, useRedis, waitForDisconnect } from './support/redis-server.js';

function certificates(expireTime: string): StoredPlatformCertificates {
  return {
    refreshedAt: 1_700_000_000_000,
    entries: [
      {
        serial_no: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
        effective_time: '2026-01-01T00:00:00+08:00',
        expire_time: expireTime,
        encrypt_certificate: {
          algorithm: 'AEAD_AES_256_GCM',
          nonce: 'abcdefghijkl',
          associated_data: 'certificate',
          ciphertext: 'Y2lwaGVydGV4dA==',
        },
      },
    ],
  };
}

describeWithRedis('RedisPlatformCertificateStore against a real redis-server', () => {
  const redis = useRedis('test');

  it("keeps the SDK's PlatformCertificateStore contract (checkPlatformCertificateStore), lock expiry on Redis's clock", async () => {
    await checkPlatformCertificateStore(
      new RedisPlatformCertificateStore({ client: redis.client, policy: 'closed' }),
      {
        ttlMs: 200,
      },
    );
  });

  it('two connections (two processes) read the one shared set; a save by one is what the other loads', async () => {
    const other = await connectClient(redis.server.url);
    try {
      const writer = new RedisPlatformCertificateStore({ client: redis.client });
      const reader = new RedisPlatformCertificateStore({ client: other.client });
      const value = certificates('2031-01-01T00:00:00+08:00');
      await writer.save('1900007291', value);
      expect(await reader.load('1900007291')).toEqual(value);
    } finally {
      other.client.destroy();
    }
  });

  it('expires the value a day after its last expire_time, never before', async () => {
    const store = new RedisPlatformCertificateStore({ client: redis.client });
    await store.save('1900007291', certificates('2031-01-01T00:00:00+08:00'));
    const expiresAt = await redis.client.pExpireTime('wxpay:certificates:1900007291');
    expect(expiresAt).toBe(Date.parse('2031-01-01T00:00:00+08:00') + 24 * 3_600_000);
  });

  it("policy 'local' (default): Redis killed → the last copy this process saw, local saves, a local lock", async () => {
    const reported: RedisUnavailableError[] = [];
    const store = new RedisPlatformCertificateStore({
      client: redis.client,
      onUnavailable: (e) => reported.push(e),
    });
    const shared = certificates('2031-01-01T00:00:00+08:00');
    await store.save('1900007291', shared);
    expect(await store.load('1900007291')).toEqual(shared);
    await redis.server.stop();
    await waitForDisconnect(redis.client);

    expect(await store.load('1900007291')).toEqual(shared);
    const newer = { ...shared, refreshedAt: shared.refreshedAt + 1 };
    await store.save('1900007291', newer);
    expect(await store.load('1900007291')).toEqual(newer);
    const lock = await store.acquireRefreshLock('1900007291', 60_000, Date.now());
    expect(lock).toBeDefined();
    expect(await store.acquireRefreshLock('1900007291', 60_000, Date.now())).toBeUndefined();
    expect(reported.map((error) => error.reason)).toEqual(Array(5).fill('NOT_CONNECTED'));
  });

  it("policy 'closed': Redis killed → every method rejects with RedisUnavailableError naming the cause", async () => {
    const store = new RedisPlatformCertificateStore({ client: redis.client, policy: 'closed' });
    await redis.server.stop();
    await waitForDisconnect(redis.client);
    for (const call of [
      () => store.load('1900007291'),
      () => store.save('1900007291', certificates('2031-01-01T00:00:00+08:00')),
      () => store.acquireRefreshLock('1900007291', 1_000, Date.now()),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect(error).toBeInstanceOf(WechatPayError);
      expect(error).toMatchObject({ helper: 'platform-certificates', reason: 'NOT_CONNECTED' });
    }
  });

  it('a value that is not JSON is a clear error naming the key', async () => {
    await redis.client.set('wxpay:certificates:1900007291', 'not json');
    const store = new RedisPlatformCertificateStore({ client: redis.client });
    await expect(store.load('1900007291')).rejects.toThrow(
      'wxpay:certificates:1900007291 does not hold JSON',
    );
  });
});
