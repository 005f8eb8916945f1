import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  buildRequestSignMessage,
  buildResponseSignMessage,
  decodeBase64Strict,
  loadPublicKey,
  signSha256WithRsa,
  signSha256WithRsaSync,
  verifySha256WithRsa,
  verifySha256WithRsaSync,
} from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { officialKey, seedVectors, vectors } from './fixtures.js';

const officialPublicKey = loadPublicKey(
  createPublicKey(officialKey).export({ type: 'spki', format: 'pem' }).toString(),
);
const cases = [...vectors.request_signatures, ...seedVectors.seed_request_signatures].map(
  (v) => [`${v.method} ${v.url}`, v] as const,
);

describe('signSha256WithRsa', () => {
  it.each(cases)('reproduces the published signature of %s (async)', async (_title, vector) => {
    const message = buildRequestSignMessage(vector);
    expect(await signSha256WithRsa(message, officialKey)).toBe(vector.signature);
  });

  it.each(cases)('reproduces the published signature of %s (sync)', (_title, vector) => {
    expect(signSha256WithRsaSync(vector.message, officialKey)).toBe(vector.signature);
  });

  it('reproduces the response-signing vector (spec §2.2)', async () => {
    const vector = seedVectors.response_signature;
    const message = buildResponseSignMessage(vector);
    expect(await signSha256WithRsa(message, officialKey)).toBe(vector.signature);
    expect(signSha256WithRsaSync(message, officialKey)).toBe(vector.signature);
  });
});

describe('verifySha256WithRsa', () => {
  const vector = vectors.request_signatures[0]!;

  it('accepts the published signature, async and sync', async () => {
    expect(await verifySha256WithRsa(vector.message, vector.signature, officialPublicKey)).toBe(true);
    expect(verifySha256WithRsaSync(vector.message, vector.signature, officialPublicKey)).toBe(true);
  });

  it('rejects the signature over a message that differs by one byte', async () => {
    const altered = vector.message.replace('123123123123', '123123123124');
    expect(await verifySha256WithRsa(altered, vector.signature, officialPublicKey)).toBe(false);
    expect(verifySha256WithRsaSync(altered, vector.signature, officialPublicKey)).toBe(false);
  });

  it('rejects a signature made with another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signature = signSha256WithRsaSync(vector.message, other.privateKey);
    expect(await verifySha256WithRsa(vector.message, signature, officialPublicKey)).toBe(false);
    expect(await verifySha256WithRsa(vector.message, signature, other.publicKey)).toBe(true);
  });

  it.each([
    ['not Base64', 'not base64!!'],
    ['empty', ''],
    ['truncated', vector.signature.slice(0, 100)],
    ['a WECHATPAY/SIGNTEST/ probe', `WECHATPAY/SIGNTEST/${vector.signature.slice(19)}`],
  ])('returns false, not an exception, for a signature that is %s', async (_what, signature) => {
    expect(await verifySha256WithRsa(vector.message, signature, officialPublicKey)).toBe(false);
    expect(verifySha256WithRsaSync(vector.message, signature, officialPublicKey)).toBe(false);
  });
});

describe('decodeBase64Strict', () => {
  it('decodes canonical Base64, padded or not needing padding', () => {
    expect(decodeBase64Strict('QQ==')?.toString()).toBe('A');
    expect(decodeBase64Strict('QUI=')?.toString()).toBe('AB');
    expect(decodeBase64Strict('QUJD')?.toString()).toBe('ABC');
    expect(decodeBase64Strict('')?.length).toBe(0);
  });

  it('still accepts non-zero bits before the padding, which no encoder writes but the pattern allows', () => {
    expect(decodeBase64Strict('QR==')?.toString()).toBe('A');
  });

  it.each([
    ['missing padding', 'QQ'],
    ['URL-safe characters', 'ab-_'],
    ['whitespace', 'QUJD QUJD'],
    ['a junk character', 'QU!D'],
    ['padding in the middle', 'QQ==QUJD'],
  ])('refuses %s, which Buffer.from would quietly decode', (_what, text) => {
    expect(Buffer.from(text, 'base64').length).toBeGreaterThan(0);
    expect(decodeBase64Strict(text)).toBeUndefined();
  });
});
