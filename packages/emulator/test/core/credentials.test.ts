import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificate, loadPrivateKey } from '@wxpay-kit/sdk/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateCredentials } from '../../src/core/credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-cred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credentials', () => {
  it('generates the platform key, three callers and four sub-merchants, then reuses them from disk', async () => {
    const started = performance.now();
    const first = await loadOrCreateCredentials(dir);
    const elapsed = performance.now() - started;
    console.info(`credentials: generated 4 RSA-2048 key pairs and certificates in ${elapsed.toFixed(0)} ms`);

    expect(first.platform.publicKeyId).toMatch(/^PUB_KEY_ID_\d{34}$/);
    expect(first.platform.certificateSerial).toMatch(/^[1-7][0-9A-F]{39}$/);
    expect(loadCertificate(first.platform.certificatePem).serialNo).toBe(first.platform.certificateSerial);

    const { ordinary, serviceProvider, platform } = first.merchants;
    expect([ordinary.kind, serviceProvider.kind, platform.kind]).toEqual([
      'merchant',
      'serviceProvider',
      'platform',
    ]);
    expect(ordinary.subMerchants).toEqual([]);
    expect(serviceProvider.subMerchants).toHaveLength(2);
    expect(platform.subMerchants).toHaveLength(2);
    const mchids = [ordinary, serviceProvider, platform].flatMap((m) => [
      m.mchid,
      ...m.subMerchants.map((s) => s.mchid),
    ]);
    expect(new Set(mchids).size).toBe(7);
    // The documented dev numbers, the same in every fresh data folder (README, core/dev-merchants.ts).
    expect(mchids).toEqual([
      '1900000001',
      '1230000109',
      '1900000211',
      '1900000212',
      '1900001109',
      '1900001121',
      '1900000109',
    ]);
    for (const m of [ordinary, serviceProvider, platform]) {
      expect(m.mchid).toMatch(/^\d{10}$/);
      expect(m.appid).toMatch(/^wx[0-9a-z]{16}$/);
      expect(m.apiV3Key).toMatch(/^[0-9A-Za-z]{32}$/);
      const cert = loadCertificate(m.certificatePem);
      expect(cert.serialNo).toBe(m.serialNo);
      expect(new X509Certificate(m.certificatePem).subject).toContain(`CN=${m.mchid}`);
      // The certificate holds the public half of the merchant's private key.
      expect(cert.publicKey.export({ format: 'pem', type: 'spki' })).toBe(
        createPublicKey(loadPrivateKey(m.privateKeyPem)).export({ format: 'pem', type: 'spki' }),
      );
      expect(statSync(m.privateKeyPath!).mode & 0o777).toBe(0o600);
    }
    expect(statSync(first.platform.privateKeyPath!).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'credentials', 'credentials.json')).mode & 0o777).toBe(0o600);

    const second = await loadOrCreateCredentials(dir);
    expect(second).toEqual(first);
  });

  it('explains a damaged credentials folder instead of silently replacing it', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'wxpay-cred-broken-'));
    try {
      const created = await loadOrCreateCredentials(broken);
      rmSync(created.merchants.platform.privateKeyPath!);
      await expect(loadOrCreateCredentials(broken)).rejects.toThrow(/apiclient_key\.pem.*delete/);
      writeFileSync(join(broken, 'credentials', 'credentials.json'), '{ not json');
      await expect(loadOrCreateCredentials(broken)).rejects.toThrow(/not JSON/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
