import { buildRequestSignMessage, buildResponseSignMessage } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { seedVectors, vectors } from './fixtures.js';

const allRequestVectors = [...vectors.request_signatures, ...seedVectors.seed_request_signatures];

describe('buildRequestSignMessage', () => {
  it.each(allRequestVectors.map((v) => [`${v.method} ${v.url}`, v] as const))(
    'reproduces the string to sign of %s byte for byte',
    (_title, vector) => {
      const message = buildRequestSignMessage({ ...vector, timestamp: Number(vector.timestamp) });
      expect(message.equals(Buffer.from(vector.message, 'utf8'))).toBe(true);
    },
  );

  it('signs the UTF-8 bytes of a non-ASCII body and accepts the body as bytes', () => {
    const vector = vectors.request_signatures[1]!;
    const fromBytes = buildRequestSignMessage({ ...vector, body: new TextEncoder().encode(vector.body) });
    expect(fromBytes.toString('utf8')).toBe(vector.message);
    expect(vector.body).toMatch(/形象店/);
  });

  it.each([
    ['a BOM', '\uFEFF{"a":1}'],
    ['a lone high surrogate at the end', '{"a":"x\uD800'],
    ['a lone low surrogate at the start', '\uDC00{}'],
  ])('gives the same bytes for a string body with %s as for its UTF-8 encoding', (_what, body) => {
    const base = { method: 'POST', url: '/v3/x', timestamp: 1, nonce: 'N' };
    const fromString = buildRequestSignMessage({ ...base, body });
    expect(fromString.equals(buildRequestSignMessage({ ...base, body: Buffer.from(body, 'utf8') }))).toBe(
      true,
    );
    expect(
      fromString.equals(
        Buffer.concat([Buffer.from('POST\n/v3/x\n1\nN\n'), Buffer.from(body), Buffer.from('\n')]),
      ),
    ).toBe(true);
    const response = buildResponseSignMessage({ timestamp: 1, nonce: 'N', body });
    expect(
      response.equals(buildResponseSignMessage({ timestamp: 1, nonce: 'N', body: Buffer.from(body) })),
    ).toBe(true);
  });

  it('ends with NONCE\\n\\n when there is no body', () => {
    const message = buildRequestSignMessage({ method: 'post', url: '/v3/x', timestamp: 1, nonce: 'N' });
    expect(message.toString()).toBe('POST\n/v3/x\n1\nN\n\n');
  });

  it('refuses a URL with scheme and host', () => {
    expect(() =>
      buildRequestSignMessage({
        method: 'GET',
        url: 'https://api.mch.weixin.qq.com/v3/x',
        timestamp: 1,
        nonce: 'N',
      }),
    ).toThrow(/without scheme and host/);
  });

  it('refuses a line break inside a field, which would shift the lines', () => {
    expect(() =>
      buildRequestSignMessage({ method: 'GET', url: '/v3/x', timestamp: 1, nonce: 'N\nX' }),
    ).toThrow(/nonce must not contain a line break/);
  });
});

describe('buildResponseSignMessage', () => {
  it('reproduces the response-signing vector (spec §2.2), 508 bytes', () => {
    const vector = seedVectors.response_signature;
    const message = buildResponseSignMessage(vector);
    expect(message.toString('utf8')).toBe(vector.message);
    expect(message.length).toBe(508);
  });

  it('gives TIMESTAMP\\nNONCE\\n\\n for an empty body', () => {
    expect(buildResponseSignMessage({ timestamp: 5, nonce: 'N', body: '' }).toString()).toBe('5\nN\n\n');
  });
});
