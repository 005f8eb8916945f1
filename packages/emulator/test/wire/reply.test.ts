import { PlatformKeyring, verifySignedMessage } from '@wxpay-kit/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/framework-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ rateLimits: false });
});
afterAll(() => h.close());

const GET_URL = '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/A1';
const REQUEST_ID = /^[0-9A-F]{44}-0$/;
const keyring = () =>
  new PlatformKeyring({
    publicKey: { id: h.credentials.platform.publicKeyId, key: h.credentials.platform.publicKeyPem },
  });

async function verify(res: Awaited<ReturnType<Harness['call']>>) {
  await verifySignedMessage({
    headers: res.headers as Record<string, string>,
    body: res.rawPayload,
    keyring: keyring(),
    now: Math.floor(Date.now() / 1000),
  });
}

describe('reply and response signing', () => {
  it('a 200 carries the five Wechatpay-* headers and verifies with the platform public key', async () => {
    const res = await h.call('ordinary', { method: 'GET', url: GET_URL });
    expect(res.statusCode).toBe(200);
    expect(res.headers['wechatpay-serial']).toBe(h.credentials.platform.publicKeyId);
    expect(res.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
    expect(res.headers['wechatpay-nonce']).toMatch(/^[0-9A-F]{32}$/);
    await verify(res);
  });

  it('error replies to a verified request are signed and verify (400, 403)', async () => {
    const responses = [
      // 33 characters: over string(32), a PARAM_ERROR
      await h.call('ordinary', { method: 'GET', url: `${GET_URL.slice(0, -2)}${'x'.repeat(33)}` }),
      await h.call('serviceProvider', { method: 'GET', url: GET_URL }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([400, 403]);
    for (const res of responses) await verify(res);
  });

  it('answers refused before the Authorization is verified are unsigned, even for a signed request (404, 405)', async () => {
    const responses = [
      await h.call('ordinary', { method: 'GET', url: '/v3/unknown' }),
      await h.call('ordinary', { method: 'DELETE', url: GET_URL }),
      await h.app.inject({ method: 'GET', url: '/v3/nope' }),
      await h.app.inject({ method: 'POST', url: '/v3/certificates' }),
      await h.app.inject({ method: 'GET', url: '/nowhere' }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([404, 405, 404, 405, 404]);
    for (const res of responses) {
      expect(Object.keys(res.headers).filter((name) => name.startsWith('wechatpay-'))).toEqual([]);
      expect(res.headers['request-id']).toMatch(REQUEST_ID);
      expect(res.json()).toMatchObject({ code: expect.stringMatching(/^(NOT_FOUND|METHOD_NOT_ALLOWED)$/) });
    }
  });

  it('a tampered body no longer verifies (the signature covers the exact bytes sent)', async () => {
    const res = await h.call('ordinary', { method: 'GET', url: GET_URL });
    await expect(
      verifySignedMessage({
        headers: res.headers as Record<string, string>,
        body: res.payload.replace('ordinary', 'ordinarY').replace('}', ' }'),
        keyring: keyring(),
        now: Math.floor(Date.now() / 1000),
      }),
    ).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });
  });

  it('Request-ID is on every response: success, 401, 404, control API', async () => {
    const responses = [
      await h.call('ordinary', { method: 'GET', url: GET_URL }),
      await h.app.inject({ method: 'GET', url: GET_URL }),
      await h.app.inject({ method: 'GET', url: '/nowhere' }),
      await h.control('GET', '/_emulator/clock'),
    ];
    const ids = responses.map((r) => r.headers['request-id']);
    for (const id of ids) expect(id).toMatch(REQUEST_ID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('probe mode sends WECHATPAY/SIGNTEST/ signatures that a correct client rejects', async () => {
    await h.control('POST', '/_emulator/settings', { probe: { enabled: true, fraction: 1 } });
    try {
      const res = await h.call('ordinary', { method: 'GET', url: GET_URL });
      expect(res.statusCode).toBe(200);
      expect(res.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
      await expect(verify(res)).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });
    } finally {
      await h.control('POST', '/_emulator/settings', { probe: false });
    }
    const after = await h.call('ordinary', { method: 'GET', url: GET_URL });
    await verify(after);
  });
});

describe('route match', () => {
  it('an unknown path is 404 NOT_FOUND in APIv3 shape, before any signature check', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v3/pay/transactions/jsapi' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: 'NOT_FOUND',
      message: expect.stringContaining('/v3/pay/transactions/jsapi'),
    });
  });

  it('a known path with the wrong method is 405 with Allow', async () => {
    const res = await h.app.inject({ method: 'PUT', url: '/v3/platsolution/ecommerce/recharges/apply' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json().code).toBe('METHOD_NOT_ALLOWED');
    const certificates = await h.app.inject({ method: 'POST', url: '/v3/certificates' });
    expect(certificates.statusCode).toBe(405);
    expect(certificates.headers.allow).toBe('GET');
  });
});
