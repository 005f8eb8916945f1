import {
  decryptAeadAes256Gcm,
  loadCertificate,
  PlatformKeyring,
  verifySignedMessage,
} from '@wxpay-kit/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/framework-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ rateLimits: false });
});
afterAll(() => h.close());

describe('GET /v3/certificates', () => {
  it('returns the platform certificate encrypted under the caller’s APIv3 key, signed with that certificate', async () => {
    const res = await h.call('serviceProvider', { method: 'GET', url: '/v3/certificates' });
    expect(res.statusCode).toBe(200);
    const [entry] = res.json().data;
    expect(entry.encrypt_certificate).toMatchObject({
      algorithm: 'AEAD_AES_256_GCM',
      associated_data: 'certificate',
    });
    expect(entry.encrypt_certificate.nonce).toHaveLength(12);
    const pem = decryptAeadAes256Gcm({
      apiV3Key: h.credentials.merchants.serviceProvider.apiV3Key,
      nonce: entry.encrypt_certificate.nonce,
      associatedData: 'certificate',
      ciphertext: entry.encrypt_certificate.ciphertext,
    });
    const certificate = loadCertificate(pem);
    expect(certificate.serialNo).toBe(entry.serial_no);
    expect(certificate.serialNo).toBe(h.credentials.platform.certificateSerial);
    expect(entry.effective_time).toMatch(/\+08:00$/);
    // Bootstrapping: the response verifies with the certificate it carries.
    expect(res.headers['wechatpay-serial']).toBe(certificate.serialNo);
    await verifySignedMessage({
      headers: res.headers as Record<string, string>,
      body: res.rawPayload,
      keyring: new PlatformKeyring({ certificates: [pem] }),
      now: Math.floor(Date.now() / 1000),
    });
  });

  it('another merchant’s APIv3 key does not open it', async () => {
    const res = await h.call('ordinary', { method: 'GET', url: '/v3/certificates' });
    const { encrypt_certificate: e } = res.json().data[0];
    expect(() =>
      decryptAeadAes256Gcm({
        apiV3Key: h.credentials.merchants.platform.apiV3Key,
        nonce: e.nonce,
        associatedData: 'certificate',
        ciphertext: e.ciphertext,
      }),
    ).toThrow();
  });

  it('is verified like any request, and validates algorithm_type', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v3/certificates' })).statusCode).toBe(401);
    const bad = await h.call('ordinary', { method: 'GET', url: '/v3/certificates?algorithm_type=DSA' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatchObject({ field: 'algorithm_type', location: 'query' });
    const sm2 = await h.call('ordinary', { method: 'GET', url: '/v3/certificates?algorithm_type=SM2' });
    expect(sm2.json()).toEqual({ data: [] });
  });
});
