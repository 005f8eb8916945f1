import { PlatformKeyring, sealNotification } from '@wxpay-kit/sdk/protocol';
import {
  buildSignedNotification,
  createSelfSignedCertificate,
  generateTestMerchant,
  signResponse,
  type TestMerchant,
} from '@wxpay-kit/sdk/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DecryptFailureReason,
  type SignatureFailureReason,
  WechatPayConfigError,
  WechatPayDecryptError,
  WechatPaySignatureError,
} from '../../src/errors/index.js';
import { type NotificationEvent, parseNotification } from '../../src/notifications/index.js';

// WeChat Pay's side is played by a throw-away identity whose certificate serial selects the key.
let platform: TestMerchant;
let keyring: PlatformKeyring;
const apiV3Key = '0123456789abcdef0123456789ABCDEF';
const NOW = 1_700_000_000;
const resource = {
  out_bill_no: 'plfk2020042013',
  transfer_bill_no: '1330000071100999991182020050700019480001',
  state: 'SUCCESS',
};
const seal = {
  id: 'EV-2018022511223320873',
  createTime: '2023-11-15T06:13:20+08:00',
  eventType: 'MCHTRANSFER.BILL.FINISHED',
  summary: '商家转账单据终态通知',
  originalType: 'mch_payment',
  associatedData: 'mch_payment',
  resource,
  apiV3Key,
};

beforeAll(async () => {
  // Its certificate must be valid at NOW, the moment the notifications are verified at.
  platform = await generateTestMerchant({ now: new Date(NOW * 1000) });
  keyring = new PlatformKeyring({ certificates: [platform.certificatePem] });
});

/** Signs exactly `body` as WeChat Pay would deliver it. */
async function deliver(body: string, timestamp = NOW) {
  const headers = await signResponse({
    body,
    privateKey: platform.privateKey,
    serial: platform.serialNo,
    timestamp,
  });
  return { headers, body, keyring, apiV3Key, now: NOW };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected parseNotification to fail');
    },
    (error: unknown) => error,
  );
}

async function expectSignatureReason(promise: Promise<unknown>, reason: SignatureFailureReason) {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(WechatPaySignatureError);
  expect((error as WechatPaySignatureError).reason).toBe(reason);
}

async function expectDecryptReason(promise: Promise<unknown>, reason: DecryptFailureReason) {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(WechatPayDecryptError);
  expect((error as WechatPayDecryptError).reason).toBe(reason);
}

describe('parseNotification', () => {
  it('verifies and decrypts a valid notification into a typed event', async () => {
    const body = JSON.stringify(sealNotification(seal));
    const event: NotificationEvent<typeof resource> = await parseNotification<typeof resource>(
      await deliver(body),
    );
    expect(event).toMatchObject({
      id: 'EV-2018022511223320873',
      create_time: '2023-11-15T06:13:20+08:00',
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      summary: '商家转账单据终态通知',
      resource_type: 'encrypt-resource',
      original_type: 'mch_payment',
      resource,
    });
    expect(event.resource.state).toBe('SUCCESS');
    expect(event.envelope.resource.algorithm).toBe('AEAD_AES_256_GCM');
  });

  it('accepts the body as a Buffer and Node-style lower-case headers', async () => {
    const delivery = await deliver(JSON.stringify(sealNotification(seal)));
    const headers = Object.fromEntries(
      Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const event = await parseNotification({ ...delivery, headers, body: Buffer.from(delivery.body) });
    expect(event.resource).toEqual(resource);
  });

  it('accepts what buildSignedNotification produces, timed by the system clock by default', async () => {
    const { headers, body } = await buildSignedNotification({
      ...seal,
      privateKey: platform.privateKey,
      serial: platform.serialNo,
    });
    // The same key under a certificate that is valid by the system clock.
    const current = new PlatformKeyring({
      certificates: [
        createSelfSignedCertificate({
          privateKey: platform.privateKey,
          serialNo: platform.serialNo,
          commonName: platform.mchid,
          notBefore: new Date(Date.now() - 60_000),
          notAfter: new Date(Date.now() + 86_400_000),
        }),
      ],
    });
    const event = await parseNotification({ headers, body, keyring: current, apiV3Key });
    expect(event.resource).toEqual(resource);
  });

  it('explains that a parsed object cannot be verified', async () => {
    const delivery = await deliver(JSON.stringify(sealNotification(seal)));
    const parsed = JSON.parse(delivery.body) as unknown as string;
    const failure = parseNotification({ ...delivery, body: parsed });
    await expect(failure).rejects.toThrow(/raw request body.*exact bytes/);
    await expectSignatureReason(failure, 'UNVERIFIABLE_BODY');
  });

  it('fails with BAD_SIGNATURE when one byte of the body changes', async () => {
    const delivery = await deliver(JSON.stringify(sealNotification(seal)));
    const tampered = delivery.body.replace('EV-2018', 'EV-2019');
    expect(tampered).not.toBe(delivery.body);
    await expectSignatureReason(parseNotification({ ...delivery, body: tampered }), 'BAD_SIGNATURE');
  });

  it('fails with BAD_SIGNATURE for a WECHATPAY/SIGNTEST/ probe', async () => {
    const { headers, body } = await buildSignedNotification({
      ...seal,
      privateKey: platform.privateKey,
      serial: platform.serialNo,
      timestamp: NOW,
      signatureProbe: true,
    });
    expect(headers['Wechatpay-Signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
    await expectSignatureReason(
      parseNotification({ headers, body, keyring, apiV3Key, now: NOW }),
      'BAD_SIGNATURE',
    );
  });

  it('fails with STALE_TIMESTAMP for a notification signed 301 s ago', async () => {
    const delivery = await deliver(JSON.stringify(sealNotification(seal)), NOW - 301);
    await expectSignatureReason(parseNotification(delivery), 'STALE_TIMESTAMP');
  });

  it('fails with UNKNOWN_SERIAL when the serial names no configured key', async () => {
    const delivery = await deliver(JSON.stringify(sealNotification(seal)));
    const headers = { ...delivery.headers, 'Wechatpay-Serial': '7132D72A03E93CDDF8C03BBD1F37EEDF204A0D5B' };
    await expectSignatureReason(parseNotification({ ...delivery, headers }), 'UNKNOWN_SERIAL');
  });

  it('fails with AUTHENTICATION_FAILED for a wrong APIv3 key', async () => {
    const delivery = await deliver(JSON.stringify(sealNotification(seal)));
    await expectDecryptReason(
      parseNotification({ ...delivery, apiV3Key: 'abcdef0123456789ABCDEF0123456789' }),
      'AUTHENTICATION_FAILED',
    );
  });

  it('fails with AUTHENTICATION_FAILED for associated_data other than the one sealed', async () => {
    const envelope = sealNotification(seal);
    envelope.resource.associated_data = 'transaction';
    await expectDecryptReason(
      parseNotification(await deliver(JSON.stringify(envelope))),
      'AUTHENTICATION_FAILED',
    );
  });

  it('fails with AUTHENTICATION_FAILED for altered ciphertext even when the body is re-signed', async () => {
    const envelope = sealNotification(seal);
    const bytes = Buffer.from(envelope.resource.ciphertext, 'base64');
    bytes[3] = bytes[3]! ^ 0x01;
    envelope.resource.ciphertext = bytes.toString('base64');
    await expectDecryptReason(
      parseNotification(await deliver(JSON.stringify(envelope))),
      'AUTHENTICATION_FAILED',
    );
  });

  it('fails with INVALID_JSON when the decrypted resource is not JSON', async () => {
    const body = JSON.stringify(sealNotification({ ...seal, resource: 'state=SUCCESS' }));
    await expectDecryptReason(parseNotification(await deliver(body)), 'INVALID_JSON');
  });

  describe('every failure is a WechatPayError, never a TypeError', () => {
    const loose = (input: unknown) => parseNotification(input as Parameters<typeof parseNotification>[0]);

    it.each([
      ['a missing body', { body: undefined }, /body is missing.*rawBody/],
      ['a null body', { body: null }, /body is missing/],
      ['a parsed object', { body: { id: 'EV-1' } }, /not a parsed object/],
      ['a number', { body: 42 }, /raw request body/],
      ['an ArrayBuffer', { body: new ArrayBuffer(4) }, /raw request body/],
    ])('UNVERIFIABLE_BODY for %s', async (_what, change, message) => {
      const delivery = await deliver(JSON.stringify(sealNotification(seal)));
      const failure = loose({ ...delivery, ...change });
      await expectSignatureReason(failure, 'UNVERIFIABLE_BODY');
      await expect(failure).rejects.toThrow(message);
    });

    it.each([undefined, null, 'body', 7])(
      'UNVERIFIABLE_BODY for the input %s instead of { headers, body }',
      async (input) => {
        await expectSignatureReason(loose(input), 'UNVERIFIABLE_BODY');
      },
    );

    it.each([
      ['missing headers', undefined],
      ['null headers', null],
      ['headers as a string', 'Wechatpay-Signature: x'],
      ['no headers at all', {}],
      ['headers without Wechatpay-Nonce', 'drop-nonce'],
      ['an empty Wechatpay-Signature', 'empty-signature'],
    ])('MISSING_HEADER for %s', async (_what, headers) => {
      const delivery = await deliver(JSON.stringify(sealNotification(seal)));
      const chosen =
        headers === 'drop-nonce'
          ? Object.fromEntries(
              Object.entries(delivery.headers).filter(([name]) => name !== 'Wechatpay-Nonce'),
            )
          : headers === 'empty-signature'
            ? { ...delivery.headers, 'Wechatpay-Signature': '' }
            : headers;
      await expectSignatureReason(loose({ ...delivery, headers: chosen }), 'MISSING_HEADER');
    });

    it('UNSUPPORTED_SIGNATURE_TYPE for a ShangMi signature type', async () => {
      const delivery = await deliver(JSON.stringify(sealNotification(seal)));
      const headers = { ...delivery.headers, 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' };
      await expectSignatureReason(parseNotification({ ...delivery, headers }), 'UNSUPPORTED_SIGNATURE_TYPE');
    });

    it('STALE_TIMESTAMP for a timestamp that is not a number', async () => {
      const delivery = await deliver(JSON.stringify(sealNotification(seal)));
      const headers = { ...delivery.headers, 'Wechatpay-Timestamp': 'yesterday' };
      await expectSignatureReason(parseNotification({ ...delivery, headers }), 'STALE_TIMESTAMP');
    });

    it('BAD_SIGNATURE for an empty body and for a signature that is not Base64', async () => {
      const delivery = await deliver(JSON.stringify(sealNotification(seal)));
      await expectSignatureReason(parseNotification({ ...delivery, body: '' }), 'BAD_SIGNATURE');
      const headers = { ...delivery.headers, 'Wechatpay-Signature': '%%% not base64 %%%' };
      await expectSignatureReason(parseNotification({ ...delivery, headers }), 'BAD_SIGNATURE');
    });

    it.each([
      ['a body that is not JSON', 'not json'],
      ['a JSON array', '[]'],
      ['an envelope without resource', JSON.stringify({ ...sealNotification(seal), resource: undefined })],
      [
        'a resource without nonce',
        JSON.stringify({
          ...sealNotification(seal),
          resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'AA==' },
        }),
      ],
    ])('MALFORMED_INPUT for %s, correctly signed', async (_what, body) => {
      await expectDecryptReason(parseNotification(await deliver(body)), 'MALFORMED_INPUT');
    });

    it('UNSUPPORTED_ALGORITHM for a ShangMi resource, BAD_KEY for an APIv3 key of the wrong length', async () => {
      const envelope = sealNotification(seal);
      envelope.resource.algorithm = 'AEAD_SM4_GCM';
      await expectDecryptReason(
        parseNotification(await deliver(JSON.stringify(envelope))),
        'UNSUPPORTED_ALGORITHM',
      );
      const delivery = await deliver(JSON.stringify(sealNotification(seal)));
      await expectDecryptReason(parseNotification({ ...delivery, apiV3Key: 'short' }), 'BAD_KEY');
      await expectDecryptReason(loose({ ...delivery, apiV3Key: undefined }), 'BAD_KEY');
    });

    it.each([
      ['no keyring', { keyring: undefined }, 'keyring'],
      ['a keyring that is not one', { keyring: {} }, 'keyring'],
      ['a time in milliseconds', { now: NOW * 1000 }, 'now'],
      ['a time that is not a number', { now: 'now' }, 'now'],
    ])('WechatPayConfigError for %s', async (_what, change, input) => {
      const delivery = await deliver(JSON.stringify(sealNotification(seal)));
      const error = await rejection(loose({ ...delivery, ...change }));
      expect(error).toBeInstanceOf(WechatPayConfigError);
      expect((error as WechatPayConfigError).input).toBe(input);
    });
  });
});
