import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  PlatformKeyring,
  signSha256WithRsaSync,
  type VerifySignedMessageInput,
  verifySignedMessage,
} from '@wxpay-kit/sdk/protocol';
import { createSelfSignedCertificate } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { type SignatureFailureReason, WechatPaySignatureError } from '../../src/errors/index.js';
import { officialKey, seedVectors } from './fixtures.js';

// The official test key stands in for WeChat Pay's platform key, as in the spec's response-signing vector.
const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
const CERT_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const keyring = new PlatformKeyring({
  publicKey: { id: PUB_KEY_ID, key: createPublicKey(officialKey) },
  certificates: [
    createSelfSignedCertificate({
      privateKey: officialKey,
      serialNo: CERT_SERIAL,
      commonName: 'Tenpay.com Root CA',
      // The response-signing vector is from April 2019: the certificate must be valid then.
      notBefore: new Date('2019-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
    }),
  ],
});
const vector = seedVectors.response_signature;
const TS = Number(vector.timestamp);
const validHeaders = (serial = PUB_KEY_ID): Record<string, string> => ({
  'Wechatpay-Timestamp': vector.timestamp,
  'Wechatpay-Nonce': vector.nonce,
  'Wechatpay-Signature': vector.signature,
  'Wechatpay-Serial': serial,
  'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  'Request-ID': '08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0',
});
const input = (over: Partial<VerifySignedMessageInput> = {}): VerifySignedMessageInput => ({
  headers: validHeaders(),
  body: vector.body,
  keyring,
  now: TS,
  ...over,
});

async function expectReason(
  promise: Promise<void>,
  reason: SignatureFailureReason,
  message?: RegExp,
): Promise<WechatPaySignatureError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WechatPaySignatureError);
  const failure = error as WechatPaySignatureError;
  expect(failure.reason).toBe(reason);
  if (message) expect(failure.message).toMatch(message);
  return failure;
}

describe('verifySignedMessage', () => {
  it('accepts the response-signing vector under the public key id and under a certificate serial', async () => {
    await expect(verifySignedMessage(input())).resolves.toBeUndefined();
    await expect(verifySignedMessage(input({ headers: validHeaders(CERT_SERIAL) }))).resolves.toBeUndefined();
  });

  it('reads headers case-insensitively, from a Headers object or lower-case plain keys', async () => {
    const lower = Object.fromEntries(Object.entries(validHeaders()).map(([k, v]) => [k.toLowerCase(), v]));
    await expect(verifySignedMessage(input({ headers: lower }))).resolves.toBeUndefined();
    await expect(
      verifySignedMessage(input({ headers: new Headers(validHeaders()) })),
    ).resolves.toBeUndefined();
  });

  it('verifies the raw body given as bytes', async () => {
    await expect(
      verifySignedMessage(input({ body: Buffer.from(vector.body, 'utf8') })),
    ).resolves.toBeUndefined();
  });

  it('accepts a response without Wechatpay-Signature-Type (older responses omit it)', async () => {
    const { 'Wechatpay-Signature-Type': _omitted, ...headers } = validHeaders();
    await expect(verifySignedMessage(input({ headers }))).resolves.toBeUndefined();
  });

  it.each(['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'])(
    'fails with MISSING_HEADER naming %s when it is absent',
    async (name) => {
      const headers = validHeaders();
      delete headers[name];
      const error = await expectReason(
        verifySignedMessage(input({ headers })),
        'MISSING_HEADER',
        new RegExp(name),
      );
      expect(error.header).toBe(name);
    },
  );

  it('treats an empty header value as missing', async () => {
    await expectReason(
      verifySignedMessage(input({ headers: { ...validHeaders(), 'Wechatpay-Nonce': '' } })),
      'MISSING_HEADER',
    );
  });

  it('fails with UNSUPPORTED_SIGNATURE_TYPE for the ShangMi type', async () => {
    const headers = { ...validHeaders(), 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' };
    await expectReason(verifySignedMessage(input({ headers })), 'UNSUPPORTED_SIGNATURE_TYPE', /SM2-WITH-SM3/);
  });

  it('fails with UNKNOWN_SERIAL for another public key id, naming both ids', async () => {
    const other = 'PUB_KEY_ID_0000000000000024101100397200000099';
    const error = await expectReason(
      verifySignedMessage(input({ headers: validHeaders(other) })),
      'UNKNOWN_SERIAL',
      new RegExp(`${other}.*${PUB_KEY_ID}`),
    );
    expect(error.serial).toBe(other);
  });

  it('fails with UNKNOWN_SERIAL for an unknown certificate serial', async () => {
    await expectReason(
      verifySignedMessage(input({ headers: validHeaders('7132D72A03E93CDDF8C03BBD1F37EEDF204A0D5B') })),
      'UNKNOWN_SERIAL',
      /matches no platform certificate/,
    );
  });

  it('fails with UNKNOWN_SERIAL when the keyring has no public key at all', async () => {
    const certificatesOnly = new PlatformKeyring({ certificates: keyring.certificates.map((c) => c.pem) });
    await expectReason(
      verifySignedMessage(input({ keyring: certificatesOnly })),
      'UNKNOWN_SERIAL',
      /none is configured/,
    );
  });

  it.each([
    [
      'expired',
      'EE01',
      '2010-01-01T00:00:00Z',
      '2015-01-01T00:00:00Z',
      /EE01 expired at 2015-01-01T00:00:00\.000Z/,
    ],
    [
      'not yet valid',
      'EE02',
      '2020-01-01T00:00:00Z',
      '2030-01-01T00:00:00Z',
      /EE02 is not valid until 2020-01-01T00:00:00\.000Z/,
    ],
  ])(
    'fails with UNKNOWN_SERIAL when the platform certificate is %s, saying so',
    async (_what, serial, from, to, message) => {
      const outside = new PlatformKeyring({
        certificates: [
          createSelfSignedCertificate({
            privateKey: officialKey,
            serialNo: serial,
            commonName: 'Tenpay.com Root CA',
            notBefore: new Date(from),
            notAfter: new Date(to),
          }),
        ],
      });
      const error = await expectReason(
        verifySignedMessage(input({ keyring: outside, headers: validHeaders(serial) })),
        'UNKNOWN_SERIAL',
        message,
      );
      expect(error.message).toMatch(/addPlatformCertificate/);
      expect(error.serial).toBe(serial);
    },
  );

  it('names addPlatformCertificate when no certificate has the serial', async () => {
    await expectReason(
      verifySignedMessage(input({ headers: validHeaders('7132D72A03E93CDDF8C03BBD1F37EEDF204A0D5B') })),
      'UNKNOWN_SERIAL',
      /addPlatformCertificate/,
    );
  });

  it.each(['1554208460.5', 'abc', '-1554208460', ''])(
    'fails with STALE_TIMESTAMP (or MISSING_HEADER) for timestamp "%s"',
    async (timestamp) => {
      const headers = { ...validHeaders(), 'Wechatpay-Timestamp': timestamp };
      await expectReason(
        verifySignedMessage(input({ headers })),
        timestamp === '' ? 'MISSING_HEADER' : 'STALE_TIMESTAMP',
      );
    },
  );

  it.each([
    ['300 s later', TS + 300],
    ['300 s earlier', TS - 300],
  ])('passes when now is %s than the timestamp', async (_what, now) => {
    await expect(verifySignedMessage(input({ now }))).resolves.toBeUndefined();
  });

  it.each([
    ['301 s later', TS + 301],
    ['301 s earlier', TS - 301],
  ])('fails with STALE_TIMESTAMP when now is %s than the timestamp', async (_what, now) => {
    await expectReason(verifySignedMessage(input({ now })), 'STALE_TIMESTAMP', /301 s away/);
  });

  it('honours a custom maxSkewSeconds', async () => {
    await expectReason(verifySignedMessage(input({ now: TS + 61, maxSkewSeconds: 60 })), 'STALE_TIMESTAMP');
  });

  it('refuses now given in milliseconds', async () => {
    await expect(verifySignedMessage(input({ now: TS * 1000 }))).rejects.toThrow(/Unix seconds/);
  });

  it('fails with BAD_SIGNATURE when one byte of the body changes', async () => {
    const tampered = vector.body.replace('CLOSED', 'CLOSEE');
    await expectReason(verifySignedMessage(input({ body: tampered })), 'BAD_SIGNATURE');
  });

  it('fails with BAD_SIGNATURE for a re-serialised body (same JSON, different bytes)', async () => {
    const reserialised = JSON.stringify(JSON.parse(vector.body), null, 1);
    await expectReason(verifySignedMessage(input({ body: reserialised })), 'BAD_SIGNATURE');
  });

  it('fails with BAD_SIGNATURE for a WECHATPAY/SIGNTEST/ probe: no special case', async () => {
    const probe = `WECHATPAY/SIGNTEST/${vector.signature.slice(19)}`;
    const headers = { ...validHeaders(), 'Wechatpay-Signature': probe };
    await expectReason(verifySignedMessage(input({ headers })), 'BAD_SIGNATURE');
  });

  it('fails with BAD_SIGNATURE for a signature by a key other than the one the serial names', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const headers = {
      ...validHeaders(),
      'Wechatpay-Signature': signSha256WithRsaSync(vector.message, privateKey),
    };
    await expectReason(verifySignedMessage(input({ headers })), 'BAD_SIGNATURE');
  });

  it('fails with BAD_SIGNATURE for a changed nonce or timestamp', async () => {
    await expectReason(
      verifySignedMessage(input({ headers: { ...validHeaders(), 'Wechatpay-Nonce': `${vector.nonce}X` } })),
      'BAD_SIGNATURE',
    );
    await expectReason(
      verifySignedMessage(input({ headers: { ...validHeaders(), 'Wechatpay-Timestamp': String(TS + 1) } })),
      'BAD_SIGNATURE',
    );
  });
});
