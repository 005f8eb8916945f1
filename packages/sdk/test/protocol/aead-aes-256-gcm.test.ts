import { decryptAeadAes256Gcm, encryptAeadAes256Gcm } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { type DecryptFailureReason, WechatPayDecryptError } from '../../src/errors/index.js';
import { vectors } from './fixtures.js';

const v = vectors.aead_aes_256_gcm[0]!;
const base = { apiV3Key: v.key, nonce: v.nonce, associatedData: v.associated_data };

function decryptFailure(
  override: Partial<Parameters<typeof decryptAeadAes256Gcm>[0]>,
): WechatPayDecryptError {
  try {
    decryptAeadAes256Gcm({ ...base, ciphertext: v.ciphertext, ...override });
  } catch (error) {
    expect(error).toBeInstanceOf(WechatPayDecryptError);
    return error as WechatPayDecryptError;
  }
  throw new Error('expected decryption to fail');
}
const expectReason = (override: Parameters<typeof decryptFailure>[0], reason: DecryptFailureReason) =>
  expect(decryptFailure(override).reason).toBe(reason);

describe('AEAD_AES_256_GCM', () => {
  it('encrypts the vector to its exact ciphertext', () => {
    expect(encryptAeadAes256Gcm({ ...base, plaintext: v.plaintext })).toBe(v.ciphertext);
  });

  it('decrypts the vector to its exact plaintext', () => {
    expect(decryptAeadAes256Gcm({ ...base, ciphertext: v.ciphertext })).toBe(v.plaintext);
  });

  it('round-trips non-ASCII text and an empty associated_data', () => {
    const plaintext = JSON.stringify({ user_recv_perception: '现金奖励' });
    const ciphertext = encryptAeadAes256Gcm({ apiV3Key: v.key, nonce: v.nonce, plaintext });
    expect(decryptAeadAes256Gcm({ apiV3Key: v.key, nonce: v.nonce, associatedData: '', ciphertext })).toBe(
      plaintext,
    );
    expect(decryptAeadAes256Gcm({ apiV3Key: Buffer.from(v.key), nonce: v.nonce, ciphertext })).toBe(
      plaintext,
    );
  });

  it.each([
    ['31 bytes', v.key.slice(1)],
    ['33 bytes', `${v.key}x`],
    ['32 characters but 34 UTF-8 bytes', `${v.key.slice(2)}中`],
  ])('rejects an APIv3 key of %s with BAD_KEY, without echoing it', (_what, apiV3Key) => {
    const error = decryptFailure({ apiV3Key });
    expect(error.reason).toBe('BAD_KEY');
    expect(error.message).not.toContain(apiV3Key);
    expect(() => encryptAeadAes256Gcm({ ...base, apiV3Key, plaintext: 'x' })).toThrow(/exactly 32 bytes/);
  });

  it('rejects ciphertext that is not Base64 with MALFORMED_INPUT', () => {
    expectReason({ ciphertext: `${v.ciphertext.slice(0, -4)}!!!=` }, 'MALFORMED_INPUT');
  });

  it('rejects ciphertext shorter than the tag with MALFORMED_INPUT', () => {
    expectReason({ ciphertext: Buffer.alloc(15).toString('base64') }, 'MALFORMED_INPUT');
  });

  it('rejects an empty nonce with MALFORMED_INPUT', () => {
    expectReason({ nonce: '' }, 'MALFORMED_INPUT');
  });

  it('fails with AUTHENTICATION_FAILED for a wrong key, naming all three possible causes', () => {
    const error = decryptFailure({ apiV3Key: v.key.toLowerCase() });
    expect(error.reason).toBe('AUTHENTICATION_FAILED');
    expect(error.message).toMatch(
      /APIv3 key is wrong.*ciphertext was altered.*associated_data does not match/,
    );
  });

  it('fails with AUTHENTICATION_FAILED for altered ciphertext, a wrong nonce or wrong associated_data', () => {
    const bytes = Buffer.from(v.ciphertext, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    expectReason({ ciphertext: bytes.toString('base64') }, 'AUTHENTICATION_FAILED');
    expectReason({ nonce: 'fPqxLQRZmjVm' }, 'AUTHENTICATION_FAILED');
    expectReason({ associatedData: 'transaction' }, 'AUTHENTICATION_FAILED');
    expectReason({ associatedData: undefined }, 'AUTHENTICATION_FAILED');
  });
});
