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

describe('GET /v3/certificates and the key the request names', () => {
  it('signs with the WeChat Pay public key when the request names it (a merchant migrating to the public key)', async () => {
    const { publicKeyId, publicKeyPem } = h.credentials.platform;
    const res = await h.call('ordinary', {
      method: 'GET',
      url: '/v3/certificates',
      headers: { 'wechatpay-serial': publicKeyId },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['wechatpay-serial']).toBe(publicKeyId);
    await verifySignedMessage({
      headers: res.headers as Record<string, string>,
      body: res.rawPayload,
      keyring: new PlatformKeyring({ publicKey: { id: publicKeyId, key: publicKeyPem } }),
      now: Math.floor(Date.now() / 1000),
    });
    expect(res.json().data).toHaveLength(1);
  });
});

describe('platform certificate rotation (control API)', () => {
  it('lists old and new during the overlap, signs certificate-mode answers with the new one, and drops the old after', async () => {
    const local = await createHarness({ rateLimits: false });
    try {
      const before = (await local.control('GET', '/_emulator/platform-certificates')).json();
      expect(before.listed).toHaveLength(1);
      const rotated = await local.control('POST', '/_emulator/platform-certificates/rotate', {});
      expect(rotated.statusCode).toBe(200);
      const { previous, current } = rotated.json();
      expect(previous.serial_no).toBe(before.current);
      expect(current.serial_no).not.toBe(previous.serial_no);
      const nowMs = local.runtime.clock.now();
      expect(Date.parse(previous.expire_time)).toBeLessThanOrEqual(nowMs + 24 * 3600 * 1000);

      const download = await local.call('ordinary', { method: 'GET', url: '/v3/certificates' });
      expect(download.json().data.map((e: { serial_no: string }) => e.serial_no)).toEqual([
        previous.serial_no,
        current.serial_no,
      ]);
      expect(download.headers['wechatpay-serial']).toBe(current.serial_no);
      // A client that still names the old certificate is answered under the new one, and so learns of it.
      const old = await local.call('ordinary', {
        method: 'GET',
        url: '/v3/certificates',
        headers: { 'wechatpay-serial': previous.serial_no },
      });
      expect(old.headers['wechatpay-serial']).toBe(current.serial_no);

      await local.control('POST', '/_emulator/clock/advance', { ms: 24 * 3600 * 1000 + 1000 });
      const after = await local.call('ordinary', { method: 'GET', url: '/v3/certificates' });
      expect(after.json().data.map((e: { serial_no: string }) => e.serial_no)).toEqual([current.serial_no]);
    } finally {
      await local.close();
    }
  });

  it('refuses a bad overlap', async () => {
    const res = await h.control('POST', '/_emulator/platform-certificates/rotate', { overlapMs: -1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/overlapMs/);
  });
});
