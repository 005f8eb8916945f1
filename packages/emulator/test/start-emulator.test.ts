import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPrivateKey, PlatformKeyring, signRequest, verifySignedMessage } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { Wechatpay } from 'wechatpay-axios-plugin';
import { startEmulator } from '../src/index.js';
import { startMerchantServer } from './notify/merchant-server.js';
import { until } from './support/held-fetch.js';
import { testFamily } from './support/test-family.js';

async function signedFetch(
  emulator: Awaited<ReturnType<typeof startEmulator>>,
  method: 'GET' | 'POST',
  url: string,
  body = '',
) {
  const m = emulator.merchants.ordinary;
  const { authorization } = await signRequest({
    method,
    url,
    body,
    mchid: m.mchid,
    serialNo: m.serialNo,
    privateKey: loadPrivateKey(m.privateKeyPem),
  });
  return fetch(`${emulator.url}${url}`, {
    method,
    headers: {
      authorization,
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body } : {}),
  });
}

describe('startEmulator', () => {
  it('starts on a free loopback port with in-memory state, serves signed responses, and closes', async () => {
    const started = performance.now();
    const emulator = await startEmulator({ families: [testFamily] });
    const readyMs = performance.now() - started;
    console.info(
      `startEmulator(':memory:') ready in ${readyMs.toFixed(0)} ms (4 RSA-2048 key pairs generated in parallel)`,
    );
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emulator.port).toBeGreaterThan(0);
      expect(emulator.merchants.platform.subMchids).toHaveLength(2);
      expect(emulator.merchants.ordinary.privateKeyPath).toBeUndefined();
      expect(emulator.clientOptions('ordinary')).toMatchObject({
        mchid: emulator.merchants.ordinary.mchid,
        baseUrl: emulator.url,
        backupBaseUrl: false,
        wechatpayPublicKey: { id: emulator.wechatpayPublicKey.id, key: emulator.wechatpayPublicKey.pem },
      });
      expect(() => emulator.clientOptions('nobody')).toThrow(/nobody/);

      const url = '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/A1';
      const res = await signedFetch(emulator, 'GET', url);
      expect(res.status).toBe(200);
      const text = await res.text();
      await verifySignedMessage({
        headers: res.headers,
        body: text,
        keyring: new PlatformKeyring({
          publicKey: { id: emulator.wechatpayPublicKey.id, key: emulator.wechatpayPublicKey.pem },
        }),
        now: Math.floor(Date.now() / 1000),
      });
      expect(JSON.parse(text).operation).toBe('authorizations.get');

      const control = await fetch(`${emulator.url}/_emulator/merchants`);
      expect(control.status).toBe(200);

      const before = emulator.clock.now();
      const advanced = await emulator.clock.advance(3_600_000);
      expect(advanced.now - before).toBeGreaterThanOrEqual(3_600_000);
      expect(emulator.clock.now()).toBeGreaterThanOrEqual(before + 3_600_000);
    } finally {
      await emulator.close();
    }
    await expect(fetch(`${emulator.url}/_emulator/clock`)).rejects.toThrow();
    await emulator.close(); // a second close is harmless
  });

  it('works with wechatpay-axios-plugin, which signs its own way and sends {} on body-less POSTs', async () => {
    const emulator = await startEmulator({ families: [testFamily] });
    try {
      const m = emulator.merchants.ordinary;
      const wxpay = new Wechatpay({
        mchid: m.mchid,
        serial: m.serialNo,
        privateKey: m.privateKeyPem,
        certs: { [emulator.wechatpayPublicKey.id]: emulator.wechatpayPublicKey.pem },
        baseURL: emulator.url,
      } as ConstructorParameters<typeof Wechatpay>[0]);
      const base =
        'v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/{out_authorization_no}';
      const get = await wxpay.chain(base).get({ out_authorization_no: 'plfk2020042013' });
      expect(get.data).toMatchObject({
        operation: 'authorizations.get',
        params: { out_authorization_no: 'plfk2020042013' },
      });
      const close = await wxpay.chain(`${base}/close`).post({}, { out_authorization_no: 'plfk2020042013' });
      expect(close.data).toMatchObject({ operation: 'authorizations.close', body: null });
    } finally {
      await emulator.close();
    }
  });

  it('reuses credentials and virtual time on a second start with the same dataDir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-start-'));
    try {
      const first = await startEmulator({
        dataDir,
        families: [testFamily],
        clock: { mode: 'manual', start: '2030-06-01T00:00:00+08:00' },
      });
      await first.clock.advance(86_400_000);
      const identity = { merchants: first.merchants, key: first.wechatpayPublicKey };
      await first.close();

      const second = await startEmulator({ dataDir, families: [testFamily], clock: { mode: 'manual' } });
      try {
        expect({ merchants: second.merchants, key: second.wechatpayPublicKey }).toEqual(identity);
        expect(second.merchants.ordinary.privateKeyPath).toBe(
          join(dataDir, 'credentials', 'ordinary', 'apiclient_key.pem'),
        );
        expect(second.clock.now()).toBe(Date.parse('2030-06-02T00:00:00+08:00'));
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('reports a port in use clearly and leaves nothing running', async () => {
    const first = await startEmulator({ families: [testFamily] });
    try {
      await expect(startEmulator({ families: [testFamily], port: first.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('close() does not wait for a clock advance stuck delivering to merchants that never answer', async () => {
    const merchant = await startMerchantServer(() => 'hang');
    const emulator = await startEmulator({ families: [testFamily], clock: { mode: 'manual' } });
    try {
      const platform = emulator.merchants.platform;
      for (const no of ['H1', 'H2', 'H3', 'H4', 'H5']) {
        const body = JSON.stringify({
          sub_mchid: platform.subMchids[0],
          out_recharge_no: no,
          recharge_scene: 'ECOMMERCE_DEPOSIT',
          account_type: 'DEPOSIT',
          recharge_amount: { amount: 100, currency: 'CNY' },
          notify_url: merchant.url,
        });
        const url = '/v3/platsolution/ecommerce/recharges/apply';
        const { authorization } = await signRequest({
          method: 'POST',
          url,
          body,
          mchid: platform.mchid,
          serialNo: platform.serialNo,
          privateKey: loadPrivateKey(platform.privateKeyPem),
        });
        const res = await fetch(`${emulator.url}${url}`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
          body,
        });
        expect(res.status).toBe(200);
      }
      // The test family's timers close all five and notify the merchant, which never answers (5 s each).
      const advancing = fetch(`${emulator.url}/_emulator/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"seconds":60}',
      }).then(
        (res) => res.status,
        () => 'connection closed',
      );
      // All five at once (the per-destination bound is 8).
      await until(() => merchant.requests.length === 5, 'the deliveries reached the merchant');
      await emulator.close();
      expect(await advancing).toBe(200);
      await until(() => merchant.abandoned === 5, 'the merchant saw the connections closed');
      expect(merchant.requests).toHaveLength(5);
    } finally {
      await emulator.close();
      await merchant.close();
    }
  });
});
