import { afterEach, describe, expect, it } from 'vitest';
import { WechatPay } from '../../src/client/wechat-pay.js';
import { WechatPayCertificateError, WechatPaySignatureError } from '../../src/errors/index.js';
import { buildSignedNotification, signResponse } from '../../src/testing/index.js';
import { FakeClock } from '../support/fake-clock.js';
import {
  API_V3_KEY,
  certificateEntry,
  issuePlatformCertificate,
  signedDownload,
  type TestPlatformCertificate,
} from '../support/platform-certificates.js';
import type { Reply, SignedTestServer } from '../support/signed-test-server.js';
import { startTestServer, testClientOptions } from '../support/test-client.js';

let server: SignedTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An auto-mode client: no public key, no certificates, only the APIv3 key. */
function autoClient(baseUrl: string) {
  const clock = new FakeClock();
  const { wechatpayPublicKey: _none, ...options } = testClientOptions(baseUrl, clock, { retry: false });
  return new WechatPay({ ...options, apiV3Key: API_V3_KEY });
}

/** WeChat Pay stand-in listing `listed`, signing every answer with `signer`'s certificate. */
async function certificateServer(state: {
  listed: TestPlatformCertificate[];
  signer: TestPlatformCertificate;
}) {
  const downloads: string[] = [];
  const signed = async (body: string): Promise<Reply> => ({
    status: 200,
    body,
    sign: false,
    headers: await signResponse({ body, privateKey: state.signer.privateKey, serial: state.signer.serial }),
  });
  server = await startTestServer(async (request) => {
    if (request.path === '/v3/certificates') {
      downloads.push(String(request.headers['wechatpay-serial'] ?? ''));
      const { body } = await signedDownload(
        state.listed.map((c) => certificateEntry(c)),
        { privateKey: state.signer.privateKey, serial: state.signer.serial },
        Math.floor(Date.now() / 1000),
      );
      return signed(body);
    }
    return signed(JSON.stringify({ ok: true }));
  });
  return { server, downloads };
}

describe('managed platform certificates in the client', () => {
  it('downloads on first need, then names the newest certificate in Wechatpay-Serial', async () => {
    const certificate = issuePlatformCertificate(Date.now());
    const { server, downloads } = await certificateServer({ listed: [certificate], signer: certificate });
    const wxpay = autoClient(server.baseUrl);
    expect(await wxpay.request({ method: 'GET', path: '/v3/merchant/anything' })).toEqual({ ok: true });
    expect(downloads).toEqual(['']);
    const call = server.requests.find((r) => r.path === '/v3/merchant/anything');
    expect(call?.headers['wechatpay-serial']).toBe(certificate.serial);
  });

  it('refreshes for a notification under an unknown serial, once, and then verifies it', async () => {
    const first = issuePlatformCertificate(Date.now(), { key: 0 });
    const second = issuePlatformCertificate(Date.now(), { key: 1 });
    const state = { listed: [first], signer: first };
    const { server, downloads } = await certificateServer(state);
    const wxpay = autoClient(server.baseUrl);
    await wxpay.request({ method: 'GET', path: '/v3/merchant/anything' });
    state.listed = [first, second];

    const notification = () =>
      buildSignedNotification({
        eventType: 'MCHTRANSFER.BILL.FINISHED',
        resource: { out_bill_no: 'n1' },
        originalType: 'mch_payment',
        associatedData: 'mch_payment',
        apiV3Key: API_V3_KEY,
        privateKey: second.privateKey,
        serial: second.serial,
      });
    const event = await wxpay.notifications.parse(await notification());
    expect(event.resource).toEqual({ out_bill_no: 'n1' });
    await wxpay.notifications.parse(await notification());
    expect(downloads).toHaveLength(2);
  });

  it('still fails closed when the refresh does not bring the serial', async () => {
    const certificate = issuePlatformCertificate(Date.now(), { key: 0 });
    const stranger = issuePlatformCertificate(Date.now(), { key: 1 });
    const { server } = await certificateServer({ listed: [certificate], signer: certificate });
    const wxpay = autoClient(server.baseUrl);
    const forged = await buildSignedNotification({
      eventType: 'MCHTRANSFER.BILL.FINISHED',
      resource: {},
      originalType: 'mch_payment',
      associatedData: 'mch_payment',
      apiV3Key: API_V3_KEY,
      privateKey: stranger.privateKey,
      serial: stranger.serial,
    });
    const error = await wxpay.notifications.parse(forged).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPaySignatureError);
    expect((error as WechatPaySignatureError).reason).toBe('UNKNOWN_SERIAL');
  });

  it('reports a merchant without platform certificates (404 RESOURCE_NOT_EXISTS) as NO_CERTIFICATES', async () => {
    server = await startTestServer(() => ({
      status: 404,
      body: {
        code: 'RESOURCE_NOT_EXISTS',
        message: '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥',
      },
    }));
    const wxpay = autoClient(server.baseUrl);
    const error = await wxpay
      .request({ method: 'GET', path: '/v3/merchant/anything' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayCertificateError);
    expect((error as WechatPayCertificateError).reason).toBe('NO_CERTIFICATES');
    expect((error as Error).message).toMatch(/wechatpayPublicKey/);
  });
});
