import { startEmulator } from '@wxpay-kit/emulator';
import { WechatPay } from '@wxpay-kit/sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisPlatformCertificateStore } from '../src/index.js';
import { connectClient, describeWithRedis, useRedis } from './support/redis-server.js';

// The SDK's managed platform certificates on a shared RedisPlatformCertificateStore, against the emulator's
// GET /v3/certificates: two clients with their own Redis connections stand for two processes.
describeWithRedis('managed platform certificates shared through Redis', () => {
  const redis = useRedis();
  let emulator: Awaited<ReturnType<typeof startEmulator>>;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('two processes calling at once download the certificates once; the other reads the shared set', async () => {
    const downloads: string[] = [];
    const connections = [redis, await connectClient(redis.server.url)];
    try {
      const clients = connections.map(({ client }, index) => {
        // Auto mode: no WeChat Pay public key, certificates downloaded with the APIv3 key.
        const { wechatpayPublicKey: _publicKey, ...options } = emulator.clientOptions('ordinary');
        return new WechatPay({
          ...options,
          platformCertificates: { auto: true, store: new RedisPlatformCertificateStore({ client }) },
          hooks: {
            onResponse: (event) => {
              if (event.operation === 'certificates.download') downloads.push(`process ${index}`);
            },
          },
        });
      });
      const merchant = emulator.merchants.ordinary;
      const results = await Promise.all(
        clients.map((wxpay, index) =>
          wxpay.authorizations.apply({
            out_authorization_no: `SHARED${index}${Date.now()}`,
            appid: merchant.appid,
            openid: `o-shared-${index}`,
            transfer_scene_id: '1000',
            user_display_name: 'wx_123456',
            user_recv_perception: '现金奖励',
            authorization_notify_url: 'http://127.0.0.1:9/notify',
          }),
        ),
      );
      for (const result of results) expect(result.package_info).toEqual(expect.any(String));
      expect(downloads).toHaveLength(1);
      const stored = JSON.parse((await redis.client.get(`wxpay:certificates:${merchant.mchid}`)) ?? 'null');
      expect(stored.entries.length).toBeGreaterThan(0);
    } finally {
      connections[1]?.client.destroy();
    }
  });
});
