import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  mergeCertificateEntries,
  openCertificateEntry,
  parseCertificateDownload,
} from '../../src/certificates/certificate-download.js';
import { verifyCertificateDownload } from '../../src/certificates/verify-certificate-download.js';
import { WechatPayCertificateError } from '../../src/errors/index.js';
import { PlatformKeyring } from '../../src/protocol/index.js';
import {
  API_V3_KEY,
  certificateEntry,
  issuePlatformCertificate,
  signedDownload,
} from '../support/platform-certificates.js';

const NOW_MS = Date.UTC(2026, 5, 1);
const NOW = NOW_MS / 1000;

function certificateError(run: () => unknown): WechatPayCertificateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WechatPayCertificateError);
    return error as WechatPayCertificateError;
  }
  throw new Error('expected a WechatPayCertificateError');
}

async function rejection(promise: Promise<unknown>): Promise<WechatPayCertificateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WechatPayCertificateError);
  return error as WechatPayCertificateError;
}

describe('openCertificateEntry', () => {
  const certificate = issuePlatformCertificate(NOW_MS);

  it('decrypts with the APIv3 key and associated data "certificate", and checks the serial', () => {
    const opened = openCertificateEntry(certificateEntry(certificate), API_V3_KEY);
    expect(opened.certificate.serialNo).toBe(certificate.serial);
    expect(opened.certificate.pem.trim()).toBe(certificate.pem.trim());
    expect(opened.expiresAtMs).toBe(Math.floor(certificate.notAfter.getTime() / 1000) * 1000);
  });

  it('fails with DECRYPT_FAILED under another APIv3 key, naming the key to check', () => {
    const error = certificateError(() =>
      openCertificateEntry(certificateEntry(certificate), 'ffffffffffffffffffffffffffffffff'),
    );
    expect(error.reason).toBe('DECRYPT_FAILED');
    expect(error.serial).toBe(certificate.serial);
    expect(error.message).toMatch(/apiV3Key/);
  });

  it('fails with SERIAL_MISMATCH when serial_no names another certificate', () => {
    const other = '1111111111111111111111111111111111111111';
    const error = certificateError(() =>
      openCertificateEntry(certificateEntry(certificate, { serialNo: other }), API_V3_KEY),
    );
    expect(error.reason).toBe('SERIAL_MISMATCH');
    expect(error.message).toContain(certificate.serial);
  });

  it('fails with INVALID_CERTIFICATE when the plaintext is not X.509', () => {
    const error = certificateError(() =>
      openCertificateEntry(certificateEntry(certificate, { plaintext: 'not a certificate' }), API_V3_KEY),
    );
    expect(error.reason).toBe('INVALID_CERTIFICATE');
  });

  it('refuses an algorithm other than AEAD_AES_256_GCM', () => {
    const entry = certificateEntry(certificate);
    entry.encrypt_certificate.algorithm = 'AEAD_SM4_GCM';
    expect(certificateError(() => openCertificateEntry(entry, API_V3_KEY)).reason).toBe('MALFORMED_RESPONSE');
  });
});

describe('parseCertificateDownload', () => {
  it('names the first malformed field', () => {
    expect(certificateError(() => parseCertificateDownload({ items: [] })).reason).toBe('MALFORMED_RESPONSE');
    const entry = certificateEntry(issuePlatformCertificate(NOW_MS));
    const error = certificateError(() =>
      parseCertificateDownload({ data: [{ ...entry, expire_time: 'tomorrow' }] }),
    );
    expect(error.message).toMatch(/data\[0\]\.expire_time/);
  });

  it('treats an empty list as NO_CERTIFICATES and points to the public key', () => {
    const error = certificateError(() => parseCertificateDownload({ data: [] }));
    expect(error.reason).toBe('NO_CERTIFICATES');
    expect(error.message).toMatch(/wechatpayPublicKey/);
  });
});

describe('verifyCertificateDownload', () => {
  const current = issuePlatformCertificate(NOW_MS, { key: 0 });
  const next = issuePlatformCertificate(NOW_MS, { key: 1 });

  it('verifies the answer with a certificate it carries (the bootstrap)', async () => {
    const download = await signedDownload(
      [certificateEntry(current), certificateEntry(next)],
      { privateKey: next.privateKey, serial: next.serial },
      NOW,
    );
    const opened = await verifyCertificateDownload({ ...download, apiV3Key: API_V3_KEY, now: NOW });
    expect(opened.map((o) => o.certificate.serialNo)).toEqual([current.serial, next.serial]);
  });

  it('fails closed with UNVERIFIED_DOWNLOAD when the signature does not verify with the named certificate', async () => {
    // Signed with the other certificate's key but naming `current`: the set must not be trusted.
    const download = await signedDownload(
      [certificateEntry(current), certificateEntry(next)],
      { privateKey: next.privateKey, serial: current.serial },
      NOW,
    );
    const error = await rejection(verifyCertificateDownload({ ...download, apiV3Key: API_V3_KEY, now: NOW }));
    expect(error.reason).toBe('UNVERIFIED_DOWNLOAD');
    expect(error.cause).toMatchObject({ reason: 'BAD_SIGNATURE' });
  });

  it('fails closed when the answer names a serial it does not carry', async () => {
    const download = await signedDownload(
      [certificateEntry(current)],
      { privateKey: next.privateKey, serial: next.serial },
      NOW,
    );
    const error = await rejection(verifyCertificateDownload({ ...download, apiV3Key: API_V3_KEY, now: NOW }));
    expect(error.reason).toBe('UNVERIFIED_DOWNLOAD');
    expect(error.cause).toMatchObject({ reason: 'UNKNOWN_SERIAL' });
  });

  it('fails on a tampered body even though every entry decrypts', async () => {
    const download = await signedDownload(
      [certificateEntry(current)],
      { privateKey: current.privateKey, serial: current.serial },
      NOW,
    );
    const tampered = download.body.replace('"expire_time":"', '"expire_time":"2');
    const error = await rejection(
      verifyCertificateDownload({
        headers: download.headers,
        body: tampered,
        apiV3Key: API_V3_KEY,
        now: NOW,
      }),
    );
    expect(['UNVERIFIED_DOWNLOAD', 'MALFORMED_RESPONSE']).toContain(error.reason);
  });

  it('verifies with an already trusted public key when the answer names it (a migrating merchant)', async () => {
    const id = 'PUB_KEY_ID_0000000000000024101100397200000006';
    const download = await signedDownload(
      [certificateEntry(current)],
      { privateKey: next.privateKey, serial: id },
      NOW,
    );
    const trusted = new PlatformKeyring({ publicKey: { id, key: createPublicKey(next.privateKey) } });
    const opened = await verifyCertificateDownload({ ...download, apiV3Key: API_V3_KEY, now: NOW, trusted });
    expect(opened).toHaveLength(1);
  });
});

describe('mergeCertificateEntries', () => {
  it('keeps a certificate the new download no longer lists until its expire_time, then drops it', () => {
    const old = issuePlatformCertificate(NOW_MS, { key: 0 });
    const fresh = issuePlatformCertificate(NOW_MS, { key: 1 });
    const oldEntry = certificateEntry(old, { expireTime: new Date(NOW_MS + 3600_000) });
    const merged = mergeCertificateEntries([oldEntry], [certificateEntry(fresh)], NOW_MS);
    expect(merged.map((e) => e.serial_no)).toEqual([old.serial, fresh.serial]);
    const later = mergeCertificateEntries(merged, [certificateEntry(fresh)], NOW_MS + 3600_000 + 1000);
    expect(later.map((e) => e.serial_no)).toEqual([fresh.serial]);
  });

  it('takes the fresh entry for a serial listed again (an expire_time shortened before a rotation)', () => {
    const certificate = issuePlatformCertificate(NOW_MS);
    const shortened = certificateEntry(certificate, { expireTime: new Date(NOW_MS + 86_400_000) });
    const merged = mergeCertificateEntries([certificateEntry(certificate)], [shortened], NOW_MS);
    expect(merged).toEqual([shortened]);
  });
});
