import { describe, expect, it } from 'vitest';
import { WechatPay } from '../../src/client/wechat-pay.js';
import {
  WechatPayConfigError,
  WechatPayDecryptError,
  WechatPaySignatureError,
} from '../../src/errors/index.js';
import { buildSignedNotification } from '../../src/testing/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { testClientOptions } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

const apiV3Key = '0123456789abcdef0123456789ABCDEF';
const resource = { out_authorization_no: 'plfk2020042013', state: 'CLOSED' };

function notification(overrides: { apiV3Key?: string; timestamp?: number; signatureProbe?: boolean } = {}) {
  const keys = testKeys();
  return buildSignedNotification({
    eventType: 'MCHTRANSFER.AUTHORIZATION.CLOSED',
    resource,
    originalType: 'mch_payment',
    associatedData: 'mch_payment',
    apiV3Key: overrides.apiV3Key ?? apiV3Key,
    privateKey: keys.platform.privateKey,
    serial: keys.platform.id,
    id: 'EV-2018022511223320873',
    timestamp: overrides.timestamp,
    signatureProbe: overrides.signatureProbe,
  });
}

function client(clock = new FakeClock(), options: { apiV3Key?: string } = { apiV3Key }) {
  return new WechatPay({
    ...testClientOptions('https://api.mch.weixin.qq.com', clock),
    apiV3Key: options.apiV3Key,
  });
}

describe('wxpay.notifications', () => {
  it('parse verifies and decrypts with the client keyring and APIv3 key', async () => {
    const { headers, body } = await notification();
    const event = await client().notifications.parse<typeof resource>({ headers, body: Buffer.from(body) });
    expect(event).toMatchObject({
      id: 'EV-2018022511223320873',
      event_type: 'MCHTRANSFER.AUTHORIZATION.CLOSED',
      original_type: 'mch_payment',
      resource,
    });
  });

  it('parse judges the timestamp by the client clock', async () => {
    const { headers, body } = await notification({ timestamp: Math.floor(Date.now() / 1000) });
    await expect(
      client(new FakeClock(Date.now() + 3_600_000)).notifications.parse({ headers, body }),
    ).rejects.toMatchObject({ reason: 'STALE_TIMESTAMP' });
  });

  it('parse rejects a signature probe and a wrong APIv3 key', async () => {
    const probe = await notification({ signatureProbe: true });
    await expect(client().notifications.parse(probe)).rejects.toBeInstanceOf(WechatPaySignatureError);
    const otherKey = await notification({ apiV3Key: 'ABCDEF0123456789abcdef0123456789' });
    await expect(client().notifications.parse(otherKey)).rejects.toBeInstanceOf(WechatPayDecryptError);
  });

  it('parse without an APIv3 key names the missing option', async () => {
    const { headers, body } = await notification();
    const failure = client(new FakeClock(), {}).notifications.parse({ headers, body });
    await expect(failure).rejects.toBeInstanceOf(WechatPayConfigError);
    await expect(failure).rejects.toMatchObject({ input: 'apiV3Key' });
  });

  it('parse rejects a missing body or input with WechatPaySignatureError, not a TypeError', async () => {
    const parse = client().notifications.parse as (input: unknown) => Promise<unknown>;
    const { headers } = await notification();
    for (const input of [{ headers }, { headers, body: undefined }, undefined, null]) {
      await expect(parse(input)).rejects.toMatchObject({ reason: 'UNVERIFIABLE_BODY' });
      await expect(parse(input)).rejects.toBeInstanceOf(WechatPaySignatureError);
    }
  });

  it('offers the success and failure replies', () => {
    const wxpay = client();
    expect(wxpay.notifications.successReply().status).toBe(200);
    const failure = wxpay.notifications.failureReply('处理失败');
    expect(failure.status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(failure.body)).toEqual({ code: 'FAIL', message: '处理失败' });
  });
});
