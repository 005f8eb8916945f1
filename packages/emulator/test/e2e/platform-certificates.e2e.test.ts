import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WechatPay, WechatPayCertificateError, type WechatPayOptions } from '@wxpay-kit/sdk';
import { buildSignedNotification } from '@wxpay-kit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';

// Managed platform certificates end to end: the SDK downloads GET /v3/certificates from the emulator, verifies
// it with what it carries, and follows the emulator's rotation through an unknown Wechatpay-Serial.

interface Download {
  serial_no: string;
}

let h: E2eHarness;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wxpay-certs-'));
  h = await startE2e({ dataDir });
});
afterAll(async () => {
  await h?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A client with only what auto mode needs: merchant number, API key pair, APIv3 key, and the emulator URL. */
function autoClient(extra: Partial<WechatPayOptions> = {}) {
  const { wechatpayPublicKey: _publicKey, ...options } = h.emulator.clientOptions('ordinary');
  const downloads: string[] = [];
  const wxpay = new WechatPay({
    ...options,
    retry: false,
    hooks: {
      onResponse: (event) => {
        if (event.operation === 'certificates.download') downloads.push(event.requestId ?? '');
      },
    },
    ...extra,
  });
  return { wxpay, downloads };
}

function apply(wxpay: WechatPay, no: string) {
  return wxpay.authorizations.apply({
    out_authorization_no: no,
    appid: h.emulator.merchants.ordinary.appid,
    openid: `o-${no}`,
    transfer_scene_id: '1000',
    user_display_name: 'wx_123456',
    user_recv_perception: '现金奖励',
    authorization_notify_url: h.receiver.url('ordinary'),
  });
}

describe('platform certificates against the emulator', () => {
  it('README: wxpay.request GET /v3/certificates works with the configuration npm start prints (public key)', async () => {
    const res = await h.sdk.ordinary.request<{ data: Download[] }>({
      method: 'GET',
      path: '/v3/certificates',
    });
    expect(res.data.length).toBeGreaterThanOrEqual(1);
    expect(res.data[0]!.serial_no).toMatch(/^[0-9A-F]{40}$/);
  });

  it('auto mode from zero certificate configuration: one download, shared by concurrent first calls', async () => {
    const { wxpay, downloads } = autoClient();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => apply(wxpay, `auto${Date.now()}x${i}`)),
    );
    expect(answers.every((a) => typeof a.package_info === 'string')).toBe(true);
    expect(downloads).toHaveLength(1);
  });

  it('follows a rotation: the next answer under the new serial triggers one download, and the old certificate stays trusted', async () => {
    const { wxpay, downloads } = autoClient();
    await apply(wxpay, `rota${Date.now()}`);
    expect(downloads).toHaveLength(1);
    const before = await h.control('GET', '/platform-certificates');
    const rotated = await h.control('POST', '/platform-certificates/rotate', {});
    expect(rotated.status).toBe(200);
    const { previous, current } = rotated.body as { previous: Download; current: Download };
    expect(previous.serial_no).toBe(before.body.current);

    await apply(wxpay, `rotb${Date.now()}`);
    expect(downloads).toHaveLength(2);
    await apply(wxpay, `rotc${Date.now()}`);
    expect(downloads).toHaveLength(2);

    // Overlap: a notification still signed under the previous certificate verifies.
    const platformKey = readFileSync(join(dataDir, 'credentials', 'wechatpay_private_key.pem'), 'utf8');
    for (const serial of [previous.serial_no, current.serial_no]) {
      const notification = await buildSignedNotification({
        eventType: 'MCHTRANSFER.BILL.FINISHED',
        resource: { out_bill_no: 'x' },
        originalType: 'mch_payment',
        associatedData: 'mch_payment',
        apiV3Key: h.emulator.merchants.ordinary.apiV3Key,
        privateKey: platformKey,
        serial,
      });
      const event = await wxpay.notifications.parse(notification);
      expect(event.resource).toEqual({ out_bill_no: 'x' });
    }
    expect(downloads).toHaveLength(2);
  });

  it('a wrong APIv3 key fails closed with DECRYPT_FAILED, naming the option to check', async () => {
    const { wxpay } = autoClient({ apiV3Key: 'ffffffffffffffffffffffffffffffff' });
    const error = await apply(wxpay, `badkey${Date.now()}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayCertificateError);
    expect((error as WechatPayCertificateError).reason).toBe('DECRYPT_FAILED');
    expect((error as Error).message).toMatch(/apiV3Key/);
  });

  it('public key and auto together (a migrating merchant): public-key answers need no download', async () => {
    const { wxpay, downloads } = autoClient({
      wechatpayPublicKey: h.emulator.clientOptions('ordinary').wechatpayPublicKey,
      platformCertificates: 'auto',
    });
    await apply(wxpay, `mig${Date.now()}`);
    expect(downloads).toHaveLength(0);
  });
});
