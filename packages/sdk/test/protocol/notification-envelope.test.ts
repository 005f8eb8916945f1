import { createPublicKey } from 'node:crypto';
import {
  type OpenNotificationInput,
  openNotification,
  PlatformKeyring,
  sealNotification,
} from '@wxpay-kit/sdk/protocol';
import { signResponse } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { WechatPayDecryptError, WechatPaySignatureError } from '../../src/errors/index.js';
import { officialKey, vectors } from './fixtures.js';

const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
const keyring = new PlatformKeyring({ publicKey: { id: PUB_KEY_ID, key: createPublicKey(officialKey) } });
const v = vectors.aead_aes_256_gcm[0]!;
const NOW = 1_700_000_000;
const sealInput = {
  id: 'EV-2018022511223320873',
  createTime: '2015-05-20T13:29:35+08:00',
  eventType: 'MCHTRANSFER.AUTHORIZATION.CLOSED',
  summary: '授权关闭',
  originalType: 'mch_payment',
  associatedData: v.associated_data,
  resource: JSON.parse(v.plaintext) as unknown,
  apiV3Key: v.key,
  nonce: v.nonce,
};

async function delivered(
  body: string,
  over: Partial<OpenNotificationInput> = {},
): Promise<OpenNotificationInput> {
  const headers = await signResponse({ body, privateKey: officialKey, serial: PUB_KEY_ID, timestamp: NOW });
  return { headers, body, keyring, apiV3Key: v.key, now: NOW, ...over };
}

async function failure(input: OpenNotificationInput): Promise<unknown> {
  return openNotification(input).then(
    () => {
      throw new Error('expected openNotification to fail');
    },
    (error: unknown) => error,
  );
}

async function expectDecryptReason(input: OpenNotificationInput, reason: string, message?: RegExp) {
  const error = await failure(input);
  expect(error).toBeInstanceOf(WechatPayDecryptError);
  expect((error as WechatPayDecryptError).reason).toBe(reason);
  if (message) expect((error as Error).message).toMatch(message);
}

describe('sealNotification', () => {
  it('builds the standard envelope and reproduces the AES-GCM vector', () => {
    expect(sealNotification(sealInput)).toEqual({
      id: 'EV-2018022511223320873',
      create_time: '2015-05-20T13:29:35+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'MCHTRANSFER.AUTHORIZATION.CLOSED',
      summary: '授权关闭',
      resource: {
        original_type: 'mch_payment',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: v.ciphertext,
        associated_data: 'mch_payment',
        nonce: 'fPqxLQRZmjVn',
      },
    });
  });

  it('draws a fresh 12-character [0-9A-Za-z] nonce when none is given', () => {
    const { nonce: _fixed, ...rest } = sealInput;
    const first = sealNotification(rest).resource;
    const second = sealNotification(rest).resource;
    expect(first.nonce).toMatch(/^[0-9A-Za-z]{12}$/);
    expect(first.nonce).not.toBe(second.nonce);
    expect(first.ciphertext).not.toBe(second.ciphertext);
  });
});

describe('openNotification', () => {
  it('verifies, parses and decrypts a sealed notification', async () => {
    const body = JSON.stringify(sealNotification(sealInput));
    const opened = await openNotification(await delivered(body));
    expect(opened.resource).toEqual({ out_authorization_no: 'plfk2020042013', state: 'CLOSED' });
    expect(opened.envelope.event_type).toBe('MCHTRANSFER.AUTHORIZATION.CLOSED');
  });

  it('checks the signature before anything else: a tampered body is BAD_SIGNATURE, not a decrypt error', async () => {
    const body = JSON.stringify(sealNotification(sealInput));
    const input = await delivered(body);
    const error = await failure({ ...input, body: body.replace('"ciphertext":"z', '"ciphertext":"y') });
    expect(error).toBeInstanceOf(WechatPaySignatureError);
    expect((error as WechatPaySignatureError).reason).toBe('BAD_SIGNATURE');
  });

  it('reports a signed body that is not JSON as MALFORMED_INPUT', async () => {
    await expectDecryptReason(await delivered('{"id":'), 'MALFORMED_INPUT', /not valid JSON/);
  });

  it.each([
    ['resource', (e: Record<string, unknown>) => delete e.resource],
    ['resource.ciphertext', (e: Record<string, Record<string, unknown>>) => delete e.resource!.ciphertext],
    ['resource.nonce', (e: Record<string, Record<string, unknown>>) => delete e.resource!.nonce],
    ['event_type', (e: Record<string, unknown>) => delete e.event_type],
  ] as const)('reports a missing %s as MALFORMED_INPUT naming it', async (field, remove) => {
    const envelope = sealNotification(sealInput) as unknown as Record<string, Record<string, unknown>>;
    remove(envelope);
    await expectDecryptReason(
      await delivered(JSON.stringify(envelope)),
      'MALFORMED_INPUT',
      new RegExp(field),
    );
  });

  it('reports an algorithm other than AEAD_AES_256_GCM as UNSUPPORTED_ALGORITHM', async () => {
    const envelope = sealNotification(sealInput);
    envelope.resource.algorithm = 'AEAD_SM4_GCM';
    await expectDecryptReason(
      await delivered(JSON.stringify(envelope)),
      'UNSUPPORTED_ALGORITHM',
      /AEAD_SM4_GCM/,
    );
  });

  it('decrypts with an empty AAD when associated_data is absent', async () => {
    const envelope = sealNotification({ ...sealInput, associatedData: '' });
    delete envelope.resource.associated_data;
    const opened = await openNotification(await delivered(JSON.stringify(envelope)));
    expect(opened.resource).toEqual(JSON.parse(v.plaintext));
  });

  it('reports a wrong APIv3 key as AUTHENTICATION_FAILED', async () => {
    const body = JSON.stringify(sealNotification(sealInput));
    await expectDecryptReason(await delivered(body, { apiV3Key: 'x'.repeat(32) }), 'AUTHENTICATION_FAILED');
  });

  it('reports a plaintext that is not JSON as INVALID_JSON', async () => {
    const body = JSON.stringify(sealNotification({ ...sealInput, resource: 'not json' }));
    await expectDecryptReason(await delivered(body), 'INVALID_JSON');
  });
});
