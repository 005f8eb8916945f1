import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificate, loadPrivateKey, loadPublicKey } from '@wxpay-kit/sdk/protocol';
import { createSelfSignedCertificate } from '@wxpay-kit/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { WechatPayConfigError } from '../../src/errors/index.js';
import { officialKey, officialKeyPath, officialKeyPem } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'wxpay-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const pkcs8Der = officialKey.export({ type: 'pkcs8', format: 'der' });
const pkcs1Pem = officialKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const publicKey = createPublicKey(officialKey);
const spkiPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const certificatePem = createSelfSignedCertificate({
  privateKey: officialKey,
  serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
  commonName: '1900007291',
  notBefore: new Date('2024-01-01T00:00:00Z'),
  notAfter: new Date('2029-01-01T00:00:00Z'),
});
// Any run of key body text; an error message must never contain it.
const secretFragments = [officialKeyPem.split('\n')[5]!, pkcs1Pem.split('\n')[5]!];

function configError(load: () => unknown): WechatPayConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(WechatPayConfigError);
    const message = (error as Error).message;
    for (const fragment of secretFragments) expect(message).not.toContain(fragment);
    return error as WechatPayConfigError;
  }
  throw new Error('expected a WechatPayConfigError');
}

const samePrivateKey = (key: ReturnType<typeof loadPrivateKey>): boolean =>
  key.export({ type: 'pkcs8', format: 'der' }).equals(pkcs8Der);

describe('loadPrivateKey', () => {
  it('reads PKCS#8 PEM text (the official test key)', () => {
    expect(officialKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(samePrivateKey(loadPrivateKey(officialKeyPem))).toBe(true);
  });

  it('reads PKCS#1 PEM text (BEGIN RSA PRIVATE KEY)', () => {
    expect(pkcs1Pem).toContain('BEGIN RSA PRIVATE KEY');
    expect(samePrivateKey(loadPrivateKey(pkcs1Pem))).toBe(true);
  });

  it('reads a file path, a Buffer of PEM, and DER bytes (PKCS#8 and PKCS#1)', () => {
    expect(samePrivateKey(loadPrivateKey(officialKeyPath))).toBe(true);
    expect(samePrivateKey(loadPrivateKey(file('pkcs1.pem', pkcs1Pem)))).toBe(true);
    expect(samePrivateKey(loadPrivateKey(Buffer.from(officialKeyPem)))).toBe(true);
    expect(samePrivateKey(loadPrivateKey(pkcs8Der))).toBe(true);
    expect(samePrivateKey(loadPrivateKey(officialKey.export({ type: 'pkcs1', format: 'der' })))).toBe(true);
  });

  it('passes a private KeyObject through', () => {
    expect(loadPrivateKey(officialKey)).toBe(officialKey);
  });

  it('picks the private key out of a file that also holds a certificate', () => {
    expect(samePrivateKey(loadPrivateKey(certificatePem + officialKeyPem))).toBe(true);
  });

  it('reports a missing file with the label and the path', () => {
    const error = configError(() => loadPrivateKey('/x/y.pem'));
    expect(error.input).toBe('privateKey');
    expect(error.message).toBe('privateKey: file not found: /x/y.pem');
  });

  it('reports a directory given as the key file', () => {
    expect(configError(() => loadPrivateKey(dir, 'merchant.privateKey')).message).toMatch(
      /^merchant\.privateKey: is a directory/,
    );
  });

  it('reports a file that is not a key at all', () => {
    const error = configError(() => loadPrivateKey(file('garbage.pem', 'hello, this is not a key\n')));
    expect(error.message).toMatch(/^privateKey: not a PEM private key: file .*garbage\.pem/);
  });

  it('reports a certificate given where a private key is expected', () => {
    const error = configError(() => loadPrivateKey(file('cert.pem', certificatePem)));
    expect(error.message).toMatch(/not a PEM private key: file .*cert\.pem holds CERTIFICATE/);
  });

  it('reports a public key given where a private key is expected, as text and as a KeyObject', () => {
    expect(configError(() => loadPrivateKey(spkiPem)).message).toMatch(
      /not a PEM private key: the given text holds PUBLIC KEY/,
    );
    expect(configError(() => loadPrivateKey(publicKey)).message).toMatch(
      /expected a private key, got a public key/,
    );
  });

  it('explains that encrypted private keys must be decrypted first', () => {
    const encrypted = officialKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
      .toString();
    expect(configError(() => loadPrivateKey(encrypted)).message).toMatch(
      /ENCRYPTED PRIVATE KEY.*decrypt it first/,
    );
  });

  it('reports a corrupted PEM body without quoting it', () => {
    const lines = officialKeyPem.split('\n');
    lines[3] = lines[3]!.replace(/[A-Za-z]/g, 'A');
    lines.splice(8, 5);
    const error = configError(() => loadPrivateKey(lines.join('\n')));
    expect(error.message).toMatch(/does not parse/);
  });

  it('refuses Base64 key material pasted without the PEM armour, without echoing it', () => {
    const body = officialKeyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const error = configError(() => loadPrivateKey(body));
    expect(error.message).toMatch(/without the -----BEGIN/);
    expect(error.message).not.toContain(body.slice(0, 30));
  });

  it('refuses a non-RSA key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(
      configError(() => loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }))).message,
    ).toMatch(/not an RSA key \(found ec\)/);
  });
});

describe('loadPublicKey', () => {
  const samePublicKey = (key: ReturnType<typeof loadPublicKey>): boolean =>
    key.export({ type: 'spki', format: 'der' }).equals(publicKey.export({ type: 'spki', format: 'der' }));

  it('reads SPKI PEM, PKCS#1 public PEM, a certificate, DER bytes and a file path', () => {
    expect(samePublicKey(loadPublicKey(spkiPem))).toBe(true);
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    expect(samePublicKey(loadPublicKey(pkcs1))).toBe(true);
    expect(samePublicKey(loadPublicKey(certificatePem))).toBe(true);
    expect(samePublicKey(loadPublicKey(publicKey.export({ type: 'spki', format: 'der' })))).toBe(true);
    expect(samePublicKey(loadPublicKey(file('pub_key.pem', spkiPem)))).toBe(true);
  });

  it('refuses a private key, as text and as a KeyObject', () => {
    expect(configError(() => loadPublicKey(officialKeyPem, 'wechatpayPublicKey.key')).message).toMatch(
      /^wechatpayPublicKey\.key: not a PEM public key or certificate: the given text holds PRIVATE KEY/,
    );
    expect(configError(() => loadPublicKey(officialKey)).message).toMatch(
      /expected a public key, got a private key/,
    );
  });

  it('reports a missing file and a garbage file', () => {
    expect(configError(() => loadPublicKey('/no/such/pub_key.pem')).message).toBe(
      'publicKey: file not found: /no/such/pub_key.pem',
    );
    expect(configError(() => loadPublicKey(file('junk.bin', Buffer.from([1, 2, 3])))).message).toMatch(
      /not a PEM public key/,
    );
  });
});

describe('loadCertificate', () => {
  it('reads serial (upper-case hex), public key and validity', () => {
    const loaded = loadCertificate(file('apiclient_cert.pem', certificatePem));
    expect(loaded.serialNo).toBe('408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB');
    expect(loaded.validFrom.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(loaded.validTo.toISOString()).toBe('2029-01-01T00:00:00.000Z');
    expect(loaded.publicKey.equals(publicKey)).toBe(true);
    expect(loaded.pem.trim()).toBe(certificatePem.trim());
  });

  it('upper-cases a serial whose hex digits are letters', () => {
    const pem = createSelfSignedCertificate({
      privateKey: officialKey,
      serialNo: '5157f09efdc096de15ebe81a47057a7232f1b8e1',
      commonName: 'x',
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2025-01-01T00:00:00Z'),
    });
    expect(loadCertificate(pem).serialNo).toBe('5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
  });

  it('accepts DER bytes and an X509Certificate', () => {
    const x509 = new X509Certificate(certificatePem);
    expect(loadCertificate(x509.raw).serialNo).toBe('408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB');
    expect(loadCertificate(x509).serialNo).toBe('408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB');
  });

  it('refuses a private key where a certificate is expected', () => {
    expect(configError(() => loadCertificate(officialKeyPem, 'platformCertificates[0]')).message).toMatch(
      /^platformCertificates\[0\]: not a PEM certificate: the given text holds PRIVATE KEY/,
    );
  });

  it('refuses bytes that are not a certificate', () => {
    expect(configError(() => loadCertificate(file('x.der', Buffer.from('abc')))).message).toMatch(
      /not a PEM certificate: file .*x\.der does not parse as X\.509/,
    );
  });
});

describe('key material in error messages', () => {
  // How a PEM often arrives from an environment variable: real newlines written as the two characters \n.
  const escapedPem = officialKeyPem.trim().replaceAll('\n', '\\n');
  const escapedBody = officialKeyPem
    .replace(/-----[A-Z ]+-----/g, '')
    .trim()
    .replaceAll('\n', '\\n');
  const apiV3Key = '0123456789abcdef0123456789ABCDEF';

  /** Everything an error can show a log: message, string form, JSON form and its cause. */
  function everythingShown(error: WechatPayConfigError): string[] {
    const cause = error.cause as { message?: unknown } | undefined;
    return [
      error.message,
      String(error),
      JSON.stringify(error),
      String(cause),
      String(cause?.message),
      JSON.stringify(cause) ?? '',
    ];
  }

  it.each([
    ['a PEM with literal \\n sequences', escapedPem],
    ['a PEM body with literal \\n sequences and no armour', escapedBody],
    ['an APIv3 key', apiV3Key],
  ])('never shows %s given as the private key', (_what, input) => {
    const error = configError(() => loadPrivateKey(input));
    const secret = input.includes('-----BEGIN') ? escapedPem.split('\\n')[3]! : input.slice(0, 24);
    for (const shown of everythingShown(error)) expect(shown).not.toContain(secret);
    expect(error.cause).toBeUndefined();
  });

  it('tells how to fix a PEM whose newlines arrived as literal \\n', () => {
    expect(configError(() => loadPrivateKey(escapedPem)).message).toBe(
      'privateKey: the given text contains literal \\n sequences; replace them with real newlines',
    );
    expect(configError(() => loadCertificate(certificatePem.trim().replaceAll('\n', '\\n'))).message).toMatch(
      /contains literal \\n sequences; replace them with real newlines$/,
    );
  });

  it('says how long an input that is not a path was, without showing it', () => {
    expect(configError(() => loadPrivateKey(apiV3Key)).message).toBe(
      'privateKey: is neither PEM text nor a readable file path (32 chars, not shown)',
    );
    expect(configError(() => loadPrivateKey(escapedBody)).message).toBe(
      `privateKey: is neither PEM text nor a readable file path (${escapedBody.length} chars, not shown)`,
    );
  });

  it('still names a missing path, without a cause that repeats it', () => {
    const error = configError(() => loadPublicKey('keys/pub_key.pem'));
    expect(error.message).toBe('publicKey: file not found: keys/pub_key.pem');
    expect(error.cause).toBeUndefined();
  });
});
