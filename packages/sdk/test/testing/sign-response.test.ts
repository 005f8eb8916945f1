import { createPublicKey } from 'node:crypto';
import { PlatformKeyring, verifySignedMessage } from '@wxpay-kit/sdk/protocol';
import { SIGNATURE_PROBE_PREFIX, signResponse } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { WechatPaySignatureError } from '../../src/errors/index.js';
import { officialKey, officialKeyPem, seedVectors } from '../protocol/fixtures.js';

const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
const keyring = new PlatformKeyring({ publicKey: { id: PUB_KEY_ID, key: createPublicKey(officialKey) } });
const vector = seedVectors.response_signature;

describe('signResponse', () => {
  it('reproduces the response-signing vector (spec §2.2) as the five Wechatpay-* headers', async () => {
    const headers = await signResponse({
      body: vector.body,
      privateKey: officialKeyPem,
      serial: PUB_KEY_ID,
      timestamp: Number(vector.timestamp),
      nonce: vector.nonce,
    });
    expect(headers).toEqual({
      'Wechatpay-Nonce': vector.nonce,
      'Wechatpay-Serial': PUB_KEY_ID,
      'Wechatpay-Signature': vector.signature,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
      'Wechatpay-Timestamp': vector.timestamp,
    });
  });

  it('fills in the time and nonce, and the result verifies', async () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = await signResponse({ body: '{"a":1}', privateKey: officialKey, serial: PUB_KEY_ID });
    expect(Math.abs(Number(headers['Wechatpay-Timestamp']) - now)).toBeLessThanOrEqual(1);
    expect(headers['Wechatpay-Nonce']).toMatch(/^[0-9A-Za-z]{32}$/);
    await expect(verifySignedMessage({ headers, body: '{"a":1}', keyring, now })).resolves.toBeUndefined();
  });

  it('signs an empty 204 body', async () => {
    const headers = await signResponse({
      body: '',
      privateKey: officialKey,
      serial: PUB_KEY_ID,
      timestamp: 100,
    });
    await expect(verifySignedMessage({ headers, body: '', keyring, now: 100 })).resolves.toBeUndefined();
  });

  it('emits a WECHATPAY/SIGNTEST/ probe that verification rejects as BAD_SIGNATURE', async () => {
    const headers = await signResponse({
      body: '{}',
      privateKey: officialKey,
      serial: PUB_KEY_ID,
      timestamp: 100,
      signatureProbe: true,
    });
    expect(headers['Wechatpay-Signature']!.startsWith(SIGNATURE_PROBE_PREFIX)).toBe(true);
    const error = await verifySignedMessage({ headers, body: '{}', keyring, now: 100 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WechatPaySignatureError);
    expect((error as WechatPaySignatureError).reason).toBe('BAD_SIGNATURE');
  });
});
