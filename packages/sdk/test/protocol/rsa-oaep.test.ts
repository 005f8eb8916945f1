import { constants, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt } from 'node:crypto';
import { rsaOaepDecrypt, rsaOaepEncrypt } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { type DecryptFailureReason, WechatPayDecryptError } from '../../src/errors/index.js';
import { officialKey } from './fixtures.js';

const publicKey = createPublicKey(officialKey);

function expectReason(run: () => unknown, reason: DecryptFailureReason): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WechatPayDecryptError);
    expect((error as WechatPayDecryptError).reason).toBe(reason);
    return;
  }
  throw new Error('expected a WechatPayDecryptError');
}

describe('RSA-OAEP (SHA-1, MGF1-SHA-1)', () => {
  it('round-trips a Chinese name', () => {
    expect(rsaOaepDecrypt(rsaOaepEncrypt('张三', publicKey), officialKey)).toBe('张三');
  });

  it('is randomised: the same plaintext encrypts differently each time', () => {
    expect(rsaOaepEncrypt('张三', publicKey)).not.toBe(rsaOaepEncrypt('张三', publicKey));
  });

  it('uses SHA-1 OAEP exactly (interoperates with crypto, and not with OAEP-SHA-256)', () => {
    const sha1 = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from('x'),
    );
    expect(rsaOaepDecrypt(sha1.toString('base64'), officialKey)).toBe('x');
    const ours = Buffer.from(rsaOaepEncrypt('y', publicKey), 'base64');
    expect(
      privateDecrypt(
        { key: officialKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        ours,
      ).toString(),
    ).toBe('y');
    const sha256 = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from('x'),
    );
    expectReason(() => rsaOaepDecrypt(sha256.toString('base64'), officialKey), 'AUTHENTICATION_FAILED');
  });

  it('accepts 214 bytes and refuses 215 with a clear error', () => {
    expect(rsaOaepDecrypt(rsaOaepEncrypt('a'.repeat(214), publicKey), officialKey)).toHaveLength(214);
    expect(() => rsaOaepEncrypt('a'.repeat(215), publicKey)).toThrow(/215 bytes .* at most 214/);
    expect(() => rsaOaepEncrypt('中'.repeat(72), publicKey)).toThrow(/216 bytes/);
  });

  it('fails with AUTHENTICATION_FAILED for another key or an altered ciphertext', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expectReason(
      () => rsaOaepDecrypt(rsaOaepEncrypt('x', other.publicKey), officialKey),
      'AUTHENTICATION_FAILED',
    );
    const bytes = Buffer.from(rsaOaepEncrypt('x', publicKey), 'base64');
    bytes[10] = bytes[10]! ^ 0xff;
    expectReason(() => rsaOaepDecrypt(bytes.toString('base64'), officialKey), 'AUTHENTICATION_FAILED');
  });

  it('fails with MALFORMED_INPUT for non-Base64 or a ciphertext of the wrong length', () => {
    expectReason(() => rsaOaepDecrypt('张三', officialKey), 'MALFORMED_INPUT');
    expectReason(() => rsaOaepDecrypt(Buffer.alloc(100).toString('base64'), officialKey), 'MALFORMED_INPUT');
  });
});
