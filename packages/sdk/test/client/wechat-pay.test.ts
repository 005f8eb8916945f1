import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operations } from '../../src/catalogue/operations.js';
import { WechatPay } from '../../src/client/wechat-pay.js';
import { WechatPayApiError, WechatPayConfigError, WechatPaySignatureError } from '../../src/errors/index.js';
import {
  buildRequestSignMessage,
  parseAuthorization,
  verifySha256WithRsa,
} from '../../src/protocol/index.js';
import { createSelfSignedCertificate } from '../../src/testing/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { seedCalls } from '../support/seed-calls.js';
import { SignedTestServer } from '../support/signed-test-server.js';
import { callOperation, startTestServer, testClient, testClientOptions } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

let server: SignedTestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
});

describe('family namespaces', () => {
  it('has one method per catalogue row, named <family>.<verb>', () => {
    const wxpay = testClient(server.baseUrl);
    const families = wxpay as unknown as Record<string, Record<string, unknown>>;
    for (const name of Object.keys(operations)) {
      const [family = '', verb = ''] = name.split('.');
      expect(typeof families[family]?.[verb], name).toBe('function');
    }
    expect(Object.keys(families.transferBills ?? {}).sort()).toEqual(['cancel', 'create', 'get']);
    expect(wxpay).toBeInstanceOf(WechatPay);
  });
});

describe.each(seedCalls)('$name', (seed) => {
  it(`${seed.name} sends ${seed.method} ${seed.path} signed, and returns the verified body`, async () => {
    server.reply({ status: 200, body: seed.response });
    const wxpay = testClient(server.baseUrl);
    const result = await callOperation(wxpay, seed.name, seed.input);
    expect(result).toEqual(seed.response);

    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received?.authFailure).toBeUndefined();
    expect(received?.method).toBe(seed.method);
    expect(received?.path).toBe(seed.path);
    expect(received?.query).toEqual(seed.query);
    expect(received?.body).toBe(seed.body);
    expect(received?.headers.accept).toBe('application/json');
    expect(received?.headers['user-agent']).toMatch(/^wxpay-kit\/\d+\.\d+\.\d+ \(node \d+\.\d+\.\d+; \w+\)$/);
    expect(received?.headers['content-type']).toBe(seed.body === '' ? undefined : 'application/json');
    // The configured public key is named on every request, so a migrating merchant gets answers signed with it.
    expect(received?.headers['wechatpay-serial']).toBe(testKeys().platform.id);

    // Check the signature independently of the server: the message is METHOD, canonical URL, ts, nonce, body.
    const auth = parseAuthorization(received?.headers.authorization ?? '');
    expect(auth.mchid).toBe(testKeys().merchant.mchid);
    expect(auth.serial_no).toBe(testKeys().merchant.serialNo);
    const message = buildRequestSignMessage({
      method: seed.method,
      url: received?.url ?? '',
      timestamp: auth.timestamp,
      nonce: auth.nonce_str,
      body: seed.body,
    });
    expect(await verifySha256WithRsa(message, auth.signature, testKeys().merchant.publicKey)).toBe(true);
  });

  const documented = operations[seed.name].errors.filter((e) => e.status !== 401);
  it.each(documented)(`${seed.name} surfaces $status $code as WechatPayApiError`, async (error) => {
    const detail = { field: '/out_no', value: 'x', issue: error.description, location: 'body' };
    server.reply({
      status: error.status,
      body: { code: error.code, message: error.description, detail },
    });
    const wxpay = testClient(server.baseUrl, undefined, { retry: false });
    const failure = await callOperation(wxpay, seed.name, seed.input).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WechatPayApiError);
    expect(failure).toMatchObject({
      status: error.status,
      code: error.code,
      message: expect.stringContaining(error.code),
      detail,
      operation: seed.name,
      method: seed.method,
    });
    const apiError = failure as WechatPayApiError;
    expect(apiError.requestId).toMatch(/^TEST-REQUEST-\d+$/);
    expect(apiError.requestId).toBe(apiError.headers['request-id']);
    expect(apiError.body).toContain(error.code);
    expect(server.requests).toHaveLength(1);
  });

  it(`${seed.name} surfaces an unsigned 401 SIGN_ERROR without verifying it`, async () => {
    server.reply({ status: 401, body: { code: 'SIGN_ERROR', message: '签名错误' } });
    const wxpay = testClient(server.baseUrl);
    await expect(callOperation(wxpay, seed.name, seed.input)).rejects.toMatchObject({
      name: 'WechatPayApiError',
      status: 401,
      code: 'SIGN_ERROR',
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('responses', () => {
  it('request() resolves a signed 204 with undefined: it documents no body', async () => {
    server.reply({ status: 204 });
    const wxpay = testClient(server.baseUrl);
    await expect(wxpay.request({ method: 'POST', path: '/v3/x/close' })).resolves.toBeUndefined();
  });

  it('tolerates a non-JSON error body', async () => {
    server.reply({ status: 400, body: '<html>Bad Request</html>', headers: { 'Content-Type': 'text/html' } });
    const wxpay = testClient(server.baseUrl);
    await expect(wxpay.authorizations.get({ out_authorization_no: 'plfk2020042013' })).rejects.toMatchObject({
      status: 400,
      code: 'HTTP_400',
      detail: undefined,
      body: '<html>Bad Request</html>',
    });
  });

  it('rejects a verified 200 whose body is not JSON, without retrying', async () => {
    server.reply({ status: 200, body: 'not json' });
    const wxpay = testClient(server.baseUrl);
    await expect(wxpay.authorizations.get({ out_authorization_no: 'plfk2020042013' })).rejects.toThrow(
      /not JSON/,
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe('request()', () => {
  it('signs and verifies any endpoint, with path parameters and query', async () => {
    server.reply({ status: 200, body: { out_refund_no: 'R 1/2' } });
    const wxpay = testClient(server.baseUrl);
    const result = await wxpay.request<{ out_refund_no: string }>({
      method: 'GET',
      path: '/v3/refund/domestic/refunds/{out_refund_no}',
      params: { out_refund_no: 'R 1/2' },
      query: { limit: 5, offset: 10, skip: undefined, authorized_data: '{"a":1}' },
    });
    expect(result.out_refund_no).toBe('R 1/2');
    const [received] = server.requests;
    expect(received?.authFailure).toBeUndefined();
    expect(received?.url).toBe(
      '/v3/refund/domestic/refunds/R%201%2F2?limit=5&offset=10&authorized_data=%7B%22a%22%3A1%7D',
    );
  });

  it('sends an object body as JSON and a string body byte for byte', async () => {
    server.reply({ status: 204 }, { status: 204 });
    const wxpay = testClient(server.baseUrl);
    await wxpay.request({ method: 'POST', path: '/v3/x', body: { b: 1, a: '值' } });
    await wxpay.request({ method: 'POST', path: '/v3/x', body: '{ "spaced" : true }' });
    expect(server.requests.map((r) => r.body)).toEqual(['{"b":1,"a":"值"}', '{ "spaced" : true }']);
    expect(server.requests.every((r) => r.authFailure === undefined)).toBe(true);
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('rejects a bad path or method before sending', async () => {
    const wxpay = testClient(server.baseUrl);
    await expect(wxpay.request({ method: 'GET', path: 'v3/x' })).rejects.toMatchObject({ field: '/path' });
    await expect(wxpay.request({ method: 'GET', path: '/v3/x?a=1' })).rejects.toMatchObject({
      field: '/path',
    });
    await expect(wxpay.request({ method: 'TRACE' as 'GET', path: '/v3/x' })).rejects.toMatchObject({
      field: '/method',
    });
    await expect(wxpay.request({ method: 'GET', path: '/v3/x', body: {} })).rejects.toMatchObject({
      field: '/body',
    });
    await expect(wxpay.request({ method: 'GET', path: '/v3/{id}' })).rejects.toMatchObject({
      field: '/params',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('names no operation in its API errors', async () => {
    server.reply({ status: 404, body: { code: 'NOT_FOUND', message: 'gone' } });
    const wxpay = testClient(server.baseUrl);
    const failure = await wxpay.request({ method: 'GET', path: '/v3/x' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 404, code: 'NOT_FOUND', operation: undefined });
    expect((failure as Error).message).toContain(`GET ${server.baseUrl}/v3/x`);
  });
});

describe('addPlatformCertificate', () => {
  it('trusts a platform certificate added after construction, as the UNKNOWN_SERIAL message advises', async () => {
    const keys = testKeys();
    const certificate = (serialNo: string) =>
      createSelfSignedCertificate({
        privateKey: keys.platform.privateKey,
        serialNo,
        commonName: 'Tenpay.com Root CA',
        notBefore: new Date(Date.now() - 86_400_000),
        notAfter: new Date(Date.now() + 86_400_000),
      });
    // WeChat Pay has rotated to a new certificate the client does not know yet.
    const rotated = await SignedTestServer.start({
      merchant: {
        mchid: keys.merchant.mchid,
        serialNo: keys.merchant.serialNo,
        publicKey: keys.merchant.publicKey,
      },
      platform: { id: '3775B6A45ACD588826D15E583A95F5DD2C6D1E7E', privateKey: keys.platform.privateKey },
      handler: () => ({ status: 200, body: { out_authorization_no: 'A1', state: 'CLOSED' } }),
    });
    try {
      const wxpay = new WechatPay({
        ...testClientOptions(rotated.baseUrl, new FakeClock()),
        wechatpayPublicKey: undefined,
        platformCertificates: [certificate('5157F09EFDC096DE15EBE81A47057A7232F1B8E1')],
      });
      const failure = await wxpay.authorizations.get({ out_authorization_no: 'A1' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(WechatPaySignatureError);
      expect((failure as Error).message).toMatch(/wxpay\.addPlatformCertificate/);

      const added = wxpay.addPlatformCertificate(certificate('3775B6A45ACD588826D15E583A95F5DD2C6D1E7E'));
      expect(added.serialNo).toBe('3775B6A45ACD588826D15E583A95F5DD2C6D1E7E');
      await expect(wxpay.authorizations.get({ out_authorization_no: 'A1' })).resolves.toMatchObject({
        state: 'CLOSED',
      });
    } finally {
      await rotated.close();
    }
  });

  it('names the argument when it is not a certificate', () => {
    const wxpay = testClient(server.baseUrl);
    expect(() => wxpay.addPlatformCertificate('/no/such/cert.pem')).toThrow(WechatPayConfigError);
    expect(() => wxpay.addPlatformCertificate('/no/such/cert.pem')).toThrow(
      'platformCertificate: file not found: /no/such/cert.pem',
    );
  });
});
