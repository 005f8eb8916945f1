import { describe, expect, it } from 'vitest';
import { parseHttpCapture } from '../src/capture/parse-http-capture.js';

describe('parseHttpCapture', () => {
  it('reads a raw message and keeps the body byte for byte', () => {
    const capture = parseHttpCapture(
      'HTTP/1.1 200 OK\r\nWechatpay-Serial: PUB_KEY_ID_1\r\nRequest-ID: r1\r\n\r\n{"a":1}\n',
    );
    expect(capture.format).toBe('raw HTTP');
    expect(capture.startLine).toBe('HTTP/1.1 200 OK');
    expect(capture.headers).toEqual({ 'wechatpay-serial': 'PUB_KEY_ID_1', 'request-id': 'r1' });
    expect(capture.body).toBe('{"a":1}\n');
  });

  it('reads headers and body without a start line (a notification logged by a handler)', () => {
    const capture = parseHttpCapture('wechatpay-nonce: n\n\n{"id":"e"}');
    expect(capture.startLine).toBeUndefined();
    expect(capture.headers).toEqual({ 'wechatpay-nonce': 'n' });
    expect(capture.body).toBe('{"id":"e"}');
  });

  it('reads curl -v output: the last response, its headers, the body without curl notes', () => {
    const dump = [
      '*   Trying 127.0.0.1:8787...',
      '> GET /v3/x HTTP/1.1',
      '> Host: a',
      '>',
      '< HTTP/1.1 301 Moved',
      '< Location: /v3/y',
      '<',
      '< HTTP/1.1 200 OK',
      '< Wechatpay-Timestamp: 1554208460',
      '<',
      '{ [7 bytes data]',
      '{"a":1}',
      '* Connection #0 to host a left intact',
    ].join('\n');
    const capture = parseHttpCapture(dump);
    expect(capture.format).toBe('curl -v');
    expect(capture.startLine).toBe('HTTP/1.1 200 OK');
    expect(capture.headers).toEqual({ 'wechatpay-timestamp': '1554208460' });
    expect(capture.body).toBe('{"a":1}');
  });

  it('reads JSON {headers, body} and insists that the body is the raw text', () => {
    const capture = parseHttpCapture(
      JSON.stringify({ headers: { 'Wechatpay-Nonce': 'n' }, body: '{"a":1}' }),
    );
    expect(capture).toMatchObject({ format: 'json', headers: { 'wechatpay-nonce': 'n' }, body: '{"a":1}' });
    expect(() => parseHttpCapture(JSON.stringify({ headers: {}, body: { a: 1 } }))).toThrow(
      'raw body as a string',
    );
  });

  it('says what is wrong with something that is not a capture', () => {
    expect(() => parseHttpCapture('  \n')).toThrow('the capture is empty');
    expect(() => parseHttpCapture('this is not a header\n\nbody')).toThrow('not a header line');
  });
});
