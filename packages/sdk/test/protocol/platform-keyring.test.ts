import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { PlatformKeyring } from '@wxpay-kit/sdk/protocol';
import { createSelfSignedCertificate } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { WechatPayConfigError } from '../../src/errors/index.js';
import { officialKey } from './fixtures.js';

const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
const officialPublic = createPublicKey(officialKey);

function certificate(serialNo: string, notBefore: string, notAfter = '2035-01-01T00:00:00Z') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = createSelfSignedCertificate({
    privateKey,
    serialNo,
    commonName: 'Tenpay.com Root CA',
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
  });
  return { pem, publicKey };
}

const seconds = (iso: string): number => Date.parse(iso) / 1000;
/** A moment at which both `older` and `newer` are valid. */
const NOW = seconds('2025-01-01T00:00:00Z');
const older = certificate('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', '2023-06-08T00:00:00Z');
const newer = certificate('3775B6A45ACD588826D15E583A95F5DD2C6D1E7E', '2024-06-08T00:00:00Z');
const expired = certificate('11AA', '2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z');
const upcoming = certificate('22BB', '2030-01-01T00:00:00Z', '2035-01-01T00:00:00Z');

describe('PlatformKeyring', () => {
  it('finds the WeChat Pay public key only under its own id', () => {
    const keyring = new PlatformKeyring({ publicKey: { id: PUB_KEY_ID, key: officialPublic } });
    expect(keyring.find(PUB_KEY_ID, NOW)?.equals(officialPublic)).toBe(true);
    expect(keyring.find('PUB_KEY_ID_0000000000000024101100397200000007', NOW)).toBeUndefined();
    expect(keyring.find('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', NOW)).toBeUndefined();
  });

  it('finds platform certificates by serial, in either case', () => {
    const keyring = new PlatformKeyring({ certificates: [older.pem, newer.pem] });
    expect(keyring.find('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', NOW)?.equals(older.publicKey)).toBe(true);
    expect(keyring.find('3775b6a45acd588826d15e583a95f5dd2c6d1e7e', NOW)?.equals(newer.publicKey)).toBe(true);
    expect(keyring.find(PUB_KEY_ID, NOW)).toBeUndefined();
    expect(keyring.find('FFFF', NOW)).toBeUndefined();
  });

  it('holds both models at once, as during a migration', () => {
    const keyring = new PlatformKeyring({
      publicKey: { id: PUB_KEY_ID, key: officialPublic },
      certificates: [older.pem],
    });
    expect(keyring.find(PUB_KEY_ID, NOW)?.equals(officialPublic)).toBe(true);
    expect(keyring.find('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', NOW)?.equals(older.publicKey)).toBe(true);
  });

  it('encrypts with the public key when there is one', () => {
    const keyring = new PlatformKeyring({
      publicKey: { id: PUB_KEY_ID, key: officialPublic },
      certificates: [newer.pem],
    });
    expect(keyring.encryptionKey(NOW).serial).toBe(PUB_KEY_ID);
  });

  it('otherwise encrypts with the newest certificate, whatever the order given', () => {
    for (const certificates of [
      [older.pem, newer.pem],
      [newer.pem, older.pem],
    ]) {
      const chosen = new PlatformKeyring({ certificates }).encryptionKey(NOW);
      expect(chosen.serial).toBe('3775B6A45ACD588826D15E583A95F5DD2C6D1E7E');
      expect(chosen.key.equals(newer.publicKey)).toBe(true);
    }
  });

  it('adds a certificate after construction (a refresh)', () => {
    const keyring = new PlatformKeyring({ certificates: [older.pem] });
    keyring.addCertificate(newer.pem);
    expect(keyring.certificates.map((c) => c.serialNo)).toEqual([
      '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      '3775B6A45ACD588826D15E583A95F5DD2C6D1E7E',
    ]);
  });

  it('explains that an empty keyring cannot encrypt', () => {
    expect(() => new PlatformKeyring().encryptionKey(NOW)).toThrow(
      /no WeChat Pay public key or platform certificate/,
    );
  });

  it('finds a certificate only within [validFrom, validTo], both ends included', () => {
    const keyring = new PlatformKeyring({ certificates: [expired.pem, upcoming.pem] });
    const find = (serial: string, at: number) =>
      keyring.find(serial, at)?.equals(serial === '11AA' ? expired.publicKey : upcoming.publicKey);
    expect(find('11AA', NOW)).toBeUndefined();
    expect(find('11AA', seconds('2021-01-01T00:00:00Z'))).toBe(true);
    expect(find('11AA', seconds('2021-01-01T00:00:01Z'))).toBeUndefined();
    expect(find('11AA', seconds('2019-12-31T23:59:59Z'))).toBeUndefined();
    expect(find('11AA', seconds('2020-01-01T00:00:00Z'))).toBe(true);
    expect(find('22BB', NOW)).toBeUndefined();
    expect(find('22BB', seconds('2030-01-01T00:00:00Z'))).toBe(true);
  });

  it('finds the WeChat Pay public key at any time: it has no validity period', () => {
    const keyring = new PlatformKeyring({ publicKey: { id: PUB_KEY_ID, key: officialPublic } });
    expect(keyring.find(PUB_KEY_ID, seconds('2099-01-01T00:00:00Z'))?.equals(officialPublic)).toBe(true);
  });

  it('encrypts with the newest certificate that is valid now, passing over expired and upcoming ones', () => {
    const keyring = new PlatformKeyring({ certificates: [expired.pem, older.pem, upcoming.pem] });
    expect(keyring.encryptionKey(NOW).serial).toBe('5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
    expect(keyring.encryptionKey(seconds('2031-01-01T00:00:00Z')).serial).toBe('22BB');
  });

  it('refuses to encrypt when no certificate is valid now, saying when each was valid', () => {
    const keyring = new PlatformKeyring({ certificates: [expired.pem, upcoming.pem] });
    let failure: unknown;
    try {
      keyring.encryptionKey(NOW);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(WechatPayConfigError);
    expect((failure as Error).message).toMatch(
      /no platform certificate is valid now \(2025-01-01T00:00:00\.000Z\)/,
    );
    expect((failure as Error).message).toMatch(/11AA expired at 2021-01-01T00:00:00\.000Z/);
    expect((failure as Error).message).toMatch(/22BB is not valid until 2030-01-01T00:00:00\.000Z/);
  });

  it('refuses a public key id without the PUB_KEY_ID_ prefix', () => {
    expect(() => new PlatformKeyring({ publicKey: { id: '12345', key: officialPublic } })).toThrow(
      WechatPayConfigError,
    );
    expect(() => new PlatformKeyring({ publicKey: { id: '12345', key: officialPublic } })).toThrow(
      /wechatpayPublicKey\.id: .*PUB_KEY_ID_/,
    );
  });

  it('names the offending certificate by index', () => {
    expect(() => new PlatformKeyring({ certificates: [older.pem, '/missing/cert.pem'] })).toThrow(
      'platformCertificates[1]: file not found: /missing/cert.pem',
    );
  });
});
