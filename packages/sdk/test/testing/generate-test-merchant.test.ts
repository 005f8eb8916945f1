import { X509Certificate } from 'node:crypto';
import { loadCertificate, loadPrivateKey } from '@wxpay-kit/sdk/protocol';
import { generateTestMerchant } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';

describe('generateTestMerchant', () => {
  it('returns a consistent key pair, certificate, serial and APIv3 key', async () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const merchant = await generateTestMerchant({ mchid: '1900007291', now });
    expect(merchant.mchid).toBe('1900007291');
    expect(merchant.serialNo).toMatch(/^[0-9A-F]{40}$/);
    expect(merchant.apiV3Key).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(merchant.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    const certificate = new X509Certificate(merchant.certificatePem);
    expect(certificate.checkPrivateKey(merchant.privateKey)).toBe(true);
    expect(certificate.subject).toContain('CN=1900007291');
    const loaded = loadCertificate(merchant.certificatePem);
    expect(loaded.serialNo).toBe(merchant.serialNo);
    expect(loaded.validFrom < now && now < loaded.validTo).toBe(true);
    expect(loadPrivateKey(merchant.privateKeyPem).equals(merchant.privateKey)).toBe(true);
  });

  it('makes a different merchant identity each time', async () => {
    const [a, b] = await Promise.all([generateTestMerchant(), generateTestMerchant()]);
    expect(a.serialNo).not.toBe(b.serialNo);
    expect(a.apiV3Key).not.toBe(b.apiV3Key);
    expect(a.publicKey.equals(b.publicKey)).toBe(false);
  });
});
