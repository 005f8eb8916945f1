import {
  AUTHORIZATION_SCHEME,
  AuthorizationParseError,
  type AuthorizationParseReason,
  buildAuthorization,
  parseAuthorization,
  signRequest,
} from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { officialKey, seedVectors, vectors } from './fixtures.js';

const a = vectors.request_signatures[0]!;
const attrs = {
  mchid: '1900007291',
  nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242',
  signature: a.signature,
  timestamp: '1554208460',
  serial_no: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
};
const header = (order: (keyof typeof attrs)[], scheme = AUTHORIZATION_SCHEME): string =>
  `${scheme} ${order.map((k) => `${k}="${attrs[k]}"`).join(',')}`;

function parseFailure(value: string): AuthorizationParseError {
  try {
    parseAuthorization(value);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthorizationParseError);
    return error as AuthorizationParseError;
  }
  throw new Error(`expected parseAuthorization to reject ${value}`);
}

function expectFailure(value: string, reason: AuthorizationParseReason, attribute?: string): void {
  const error = parseFailure(value);
  expect(error.reason).toBe(reason);
  if (attribute) expect(error.attribute).toBe(attribute);
}

describe('buildAuthorization', () => {
  it('equals the complete header for example A in the spec (§1.3)', () => {
    const built = buildAuthorization({
      mchid: a.mchid,
      serialNo: a.serial_no,
      nonce: a.nonce,
      timestamp: Number(a.timestamp),
      signature: a.signature,
    });
    expect(built).toBe(seedVectors.authorization_example_a);
  });

  it('refuses a value containing a quote', () => {
    expect(() =>
      buildAuthorization({ mchid: '1"2', serialNo: 'S', nonce: 'N', timestamp: 1, signature: 'x' }),
    ).toThrow(/mchid/);
  });
});

describe('signRequest', () => {
  it.each(
    [...vectors.request_signatures, ...seedVectors.seed_request_signatures].map((v) => [v.url, v] as const),
  )('signs %s exactly like the vector', async (_url, vector) => {
    const signed = await signRequest({
      method: vector.method,
      url: vector.url,
      body: vector.body,
      mchid: seedVectors.mchid,
      serialNo: seedVectors.serial_no,
      privateKey: officialKey,
      timestamp: Number(vector.timestamp),
      nonce: vector.nonce,
    });
    expect(signed.signature).toBe(vector.signature);
    expect(parseAuthorization(signed.authorization)).toMatchObject({
      signature: vector.signature,
      nonce_str: vector.nonce,
      timestamp: vector.timestamp,
    });
  });

  it('produces the example A header in full', async () => {
    const signed = await signRequest({
      method: 'GET',
      url: a.url,
      mchid: a.mchid,
      serialNo: a.serial_no,
      privateKey: officialKey,
      timestamp: 1554208460,
      nonce: a.nonce,
    });
    expect(signed.authorization).toBe(seedVectors.authorization_example_a);
  });

  it('fills in the current time and a fresh 32-character nonce', async () => {
    const before = Math.floor(Date.now() / 1000);
    const first = await signRequest({
      method: 'GET',
      url: '/v3/x',
      mchid: '1',
      serialNo: 'S',
      privateKey: officialKey,
    });
    const second = await signRequest({
      method: 'GET',
      url: '/v3/x',
      mchid: '1',
      serialNo: 'S',
      privateKey: officialKey,
    });
    expect(first.timestamp).toBeGreaterThanOrEqual(before);
    expect(first.timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(first.nonce).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(first.nonce).not.toBe(second.nonce);
  });
});

describe('parseAuthorization', () => {
  it.each([
    ['WXPayUtility (official sample)', ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no']],
    ['Java / Go SDK', ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature']],
    ['PHP SDK / axios plugin', ['mchid', 'serial_no', 'timestamp', 'nonce_str', 'signature']],
  ] as const)('reads the %s attribute order', (_who, order) => {
    expect(parseAuthorization(header([...order]))).toEqual({ scheme: AUTHORIZATION_SCHEME, ...attrs });
  });

  it('round-trips the built header', () => {
    expect(parseAuthorization(seedVectors.authorization_example_a)).toEqual({
      scheme: AUTHORIZATION_SCHEME,
      ...attrs,
    });
  });

  it('tolerates spaces after the separating commas', () => {
    const spaced = header(['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no']).replace(
      /",/g,
      '", ',
    );
    expect(parseAuthorization(spaced).serial_no).toBe(attrs.serial_no);
  });

  it.each([
    ['the ShangMi scheme', 'WECHATPAY2-SM2-WITH-SM3'],
    ['a lower-case scheme', AUTHORIZATION_SCHEME.toLowerCase()],
    ['a Bearer token', 'Bearer'],
  ])('rejects %s with reason SCHEME', (_what, scheme) => {
    expectFailure(header(['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'], scheme), 'SCHEME');
  });

  it('rejects an empty header with reason SCHEME', () => {
    expectFailure('', 'SCHEME');
  });

  const full = header(['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no']);
  it.each([
    ['no attributes', `${AUTHORIZATION_SCHEME} `],
    ['unquoted values', full.replace('"1900007291"', '1900007291')],
    ['space-separated pairs', full.replace(/",/g, '" ')],
    ['a trailing comma', `${full},`],
    ['an unterminated quote', full.slice(0, -1)],
    ['an unknown attribute', `${full},extra="1"`],
    ['an empty value', full.replace('"1900007291"', '""')],
  ])('rejects %s with reason FORMAT', (_what, value) => {
    expectFailure(value, 'FORMAT');
  });

  it('names the unknown attribute (e.g. nonce instead of nonce_str)', () => {
    const error = parseFailure(full.replace('nonce_str=', 'nonce='));
    expect(error.reason).toBe('FORMAT');
    expect(error.attribute).toBe('nonce');
  });

  it.each(Object.keys(attrs))('rejects a header without %s with reason MISSING_ATTRIBUTE', (missing) => {
    const order = (Object.keys(attrs) as (keyof typeof attrs)[]).filter((k) => k !== missing);
    expectFailure(header(order), 'MISSING_ATTRIBUTE', missing);
  });

  it('rejects a repeated attribute with reason DUPLICATE_ATTRIBUTE', () => {
    expectFailure(`${full},mchid="1900000001"`, 'DUPLICATE_ATTRIBUTE', 'mchid');
  });
});
