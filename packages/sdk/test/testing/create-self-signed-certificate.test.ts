import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createSelfSignedCertificate } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { officialKey } from '../protocol/fixtures.js';

const publicKey = createPublicKey(officialKey);
const base = {
  privateKey: officialKey,
  publicKey,
  serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  commonName: 'Tenpay.com Root CA',
  notBefore: new Date('2018-06-08T10:34:56Z'),
  notAfter: new Date('2023-06-08T10:34:56Z'),
};

describe('createSelfSignedCertificate', () => {
  const pem = createSelfSignedCertificate(base);
  const certificate = new X509Certificate(pem);

  it('produces a PEM X.509 certificate that Node parses', () => {
    expect(pem).toMatch(
      /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/,
    );
    expect(certificate.serialNumber).toBe(base.serialNo);
  });

  it('is signed by its own key and matches the private key', () => {
    expect(certificate.verify(publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(officialKey)).toBe(true);
    expect(certificate.publicKey.equals(publicKey)).toBe(true);
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(certificate.verify(stranger.publicKey)).toBe(false);
    expect(certificate.checkPrivateKey(stranger.privateKey)).toBe(false);
  });

  it('carries the subject, issuer and validity it was given', () => {
    expect(certificate.subject).toBe('C=CN\nCN=Tenpay.com Root CA');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(new Date(certificate.validFrom).toISOString()).toBe('2018-06-08T10:34:56.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2023-06-08T10:34:56.000Z');
    expect(certificate.ca).toBe(false);
  });

  it('encodes organisation names as UTF-8 and dates after 2049 as GeneralizedTime', () => {
    const later = new X509Certificate(
      createSelfSignedCertificate({
        ...base,
        organizationName: '财付通支付科技有限公司',
        organizationalUnitName: '财付通支付科技有限公司CA中心',
        notAfter: new Date('2051-01-02T03:04:05Z'),
      }),
    );
    expect(later.subject).toContain('O=财付通支付科技有限公司');
    expect(later.subject).toContain('OU=财付通支付科技有限公司CA中心');
    expect(new Date(later.validTo).toISOString()).toBe('2051-01-02T03:04:05.000Z');
    expect(later.verify(publicKey)).toBe(true);
  });

  it('pads a serial whose top bit is set so it stays positive, and derives the public key when omitted', () => {
    const { publicKey: _omitted, ...withoutPublic } = base;
    const high = new X509Certificate(createSelfSignedCertificate({ ...withoutPublic, serialNo: 'FF01' }));
    expect(high.serialNumber).toBe('FF01');
    expect(high.verify(publicKey)).toBe(true);
  });

  it.each(['', 'ABC', 'XYZ0', '00AB', 'AB'.repeat(21)])('refuses serialNo "%s"', (serialNo) => {
    expect(() => createSelfSignedCertificate({ ...base, serialNo })).toThrow(/serialNo/);
  });

  it('refuses notBefore not earlier than notAfter', () => {
    expect(() => createSelfSignedCertificate({ ...base, notAfter: base.notBefore })).toThrow(/notBefore/);
  });
});
