import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRequestTarget } from '../../src/client/request-target.js';
import { WechatPayValidationError } from '../../src/errors/index.js';
import type { SignedTestServer } from '../support/signed-test-server.js';
import { startTestServer, testClient } from '../support/test-client.js';

let server: SignedTestServer;

beforeAll(async () => {
  server = await startTestServer(() => ({ status: 200, body: { ok: true } }));
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
});

const REWRITTEN = /would be rewritten by the URL parser, so the signature would not match; percent-encode it/;

describe('buildRequestTarget', () => {
  it('joins path and query when the URL parser keeps them as they are', () => {
    expect(buildRequestTarget('op', '/v3/a/R%201', { b: "O'Brien", a: 1 })).toBe(
      '/v3/a/R%201?b=O%27Brien&a=1',
    );
  });

  it.each([
    ['a non-ASCII character', '/v3/ü'],
    ['a backslash', '/v3/a\\b'],
    ['a dot segment', '/v3/./x'],
    ['a double-dot segment', '/v3/a/../b'],
    ['a space', '/v3/a b'],
  ])('refuses a path with %s', (_what, path) => {
    let failure: unknown;
    try {
      buildRequestTarget('request', path, undefined);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(WechatPayValidationError);
    expect(failure).toMatchObject({ operation: 'request', location: 'url', field: '/path', value: path });
    expect((failure as WechatPayValidationError).issue).toMatch(REWRITTEN);
  });
});

describe('the URL sent is the URL signed', () => {
  it.each([
    ['a path parameter ..', { path: '/v3/a/{id}/b', params: { id: '..' } }, /"\.\."/],
    ['a path parameter .', { path: '/v3/a/{id}/b', params: { id: '.' } }, /"\."/],
    ['ü in a generic path', { path: '/v3/ü' }, REWRITTEN],
    ['a backslash in a generic path', { path: '/v3/a\\b' }, REWRITTEN],
    ['/./ in a generic path', { path: '/v3/./x' }, REWRITTEN],
  ])('request() refuses %s before sending', async (_what, request, issue) => {
    const wxpay = testClient(server.baseUrl);
    const failure = await wxpay.request({ method: 'GET', ...request }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WechatPayValidationError);
    expect((failure as WechatPayValidationError).location).toBe('url');
    expect((failure as WechatPayValidationError).issue).toMatch(issue);
    expect(server.requests).toHaveLength(0);
  });

  it("request() sends a query value O'Brien (!'()* too) as signed, and it verifies", async () => {
    const wxpay = testClient(server.baseUrl);
    await expect(
      wxpay.request({ method: 'GET', path: '/v3/users', query: { name: "O'Brien (Jr.)!*" } }),
    ).resolves.toEqual({ ok: true });
    const [received] = server.requests;
    // The server checks the signature over the URL it received, byte for byte.
    expect(received?.authFailure).toBeUndefined();
    expect(received?.url).toBe('/v3/users?name=O%27Brien%20%28Jr.%29%21%2A');
    expect(received?.query).toEqual({ name: "O'Brien (Jr.)!*" });
  });

  it('request() sends an encoded path parameter with dots, ü and a slash as signed', async () => {
    const wxpay = testClient(server.baseUrl);
    await wxpay.request({ method: 'GET', path: '/v3/a/{id}', params: { id: '../ü.x' } });
    const [received] = server.requests;
    expect(received?.authFailure).toBeUndefined();
    expect(received?.url).toBe('/v3/a/..%2F%C3%BC.x');
  });
});
