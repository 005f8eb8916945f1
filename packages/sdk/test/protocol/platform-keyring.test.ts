import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { PlatformKeyring } from '@wxpay-kit/sdk/protocol';
import { createSelfSignedCertificate } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { WechatPayConfigError } from '../../src/errors/index.js';
import { officialKey } from './fixtures.js';

const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
const officialPublic = createPublicKey(officialKey);

function certificate(serialNo: string, notBefore: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = createSelfSignedCertificate({
    privateKey,
    serialNo,
    commonName: 'Tenpay.com Root CA',
    notBefore: new Date(notBefore),
    notAfter: new Date('2035-01-01T00:00:00Z'),
  });
  return { pem, publicKey };
}

const older = certificate('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', '2023-06-08T00:00:00Z');
const newer = certificate('3775B6A45ACD588826D15E583A95F5DD2C6D1E7E', '2024-06-08T00:00:00Z');

describe('PlatformKeyring', () => {
  it('finds the WeChat Pay public key only under its own id', () => {
    const keyring = new PlatformKeyring({ publicKey: { id: PUB_KEY_ID, key: officialPublic } });
    expect(keyring.find(PUB_KEY_ID)?.equals(officialPublic)).toBe(true);
    expect(keyring.find('PUB_KEY_ID_0000000000000024101100397200000007')).toBeUndefined();
    expect(keyring.find('5157F09EFDC096DE15EBE81A47057A7232F1B8E1')).toBeUndefined();
  });

  it('finds platform certificates by serial, in either case', () => {
    const keyring = new PlatformKeyring({ certificates: [older.pem, newer.pem] });
    expect(keyring.find('5157F09EFDC096DE15EBE81A47057A7232F1B8E1')?.equals(older.publicKey)).toBe(true);
    expect(keyring.find('3775b6a45acd588826d15e583a95f5dd2c6d1e7e')?.equals(newer.publicKey)).toBe(true);
    expect(keyring.find(PUB_KEY_ID)).toBeUndefined();
    expect(keyring.find('FFFF')).toBeUndefined();
  });

  it('holds both models at once, as during a migration', () => {
    const keyring = new PlatformKeyring({
      publicKey: { id: PUB_KEY_ID, key: officialPublic },
      certificates: [older.pem],
    });
    expect(keyring.find(PUB_KEY_ID)?.equals(officialPublic)).toBe(true);
    expect(keyring.find('5157F09EFDC096DE15EBE81A47057A7232F1B8E1')?.equals(older.publicKey)).toBe(true);
  });

  it('encrypts with the public key when there is one', () => {
    const keyring = new PlatformKeyring({
      publicKey: { id: PUB_KEY_ID, key: officialPublic },
      certificates: [newer.pem],
    });
    expect(keyring.encryptionKey().serial).toBe(PUB_KEY_ID);
  });

  it('otherwise encrypts with the newest certificate, whatever the order given', () => {
    for (const certificates of [
      [older.pem, newer.pem],
      [newer.pem, older.pem],
    ]) {
      const chosen = new PlatformKeyring({ certificates }).encryptionKey();
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
    expect(() => new PlatformKeyring().encryptionKey()).toThrow(
      /no WeChat Pay public key or platform certificate/,
    );
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
