import { X509Certificate } from 'node:crypto';
import {
  createServer as createHttpsServer,
  Agent as HttpsAgent,
  type Server as HttpsServer,
  request as httpsRequest,
} from 'node:https';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TinyProxy } from '../../../../test-support/tiny-proxy.js';
import { WechatPayConfigError, WechatPayNetworkError } from '../../src/errors/index.js';
import { createSelfSignedCertificate } from '../../src/testing/index.js';
import { createNodeHttpSender } from '../../src/transport/node-http-transport.js';
import { createProxyAgents } from '../../src/transport/proxy-agents.js';
import { cancelledBill } from '../support/seed-calls.js';
import type { SignedTestServer } from '../support/signed-test-server.js';
import { startTestServer, testClient } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

let api: SignedTestServer;
let tlsServer: HttpsServer;
let tlsPort: number;
let certificate: string;
let proxy: TinyProxy;
let guardedProxy: TinyProxy;
const credentials = { user: 'egress', password: 'p@ss:word' };
/** The proxy URL with the credentials percent-encoded, as a URL must carry them. */
const withCredentials = (url: string) =>
  url.replace(
    'http://',
    `http://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@`,
  );

beforeAll(async () => {
  api = await startTestServer();
  // A TLS server for localhost, so the tunnel test runs a real handshake with certificate verification.
  const key = testKeys().platform.privateKey;
  const now = Date.now();
  certificate = createSelfSignedCertificate({
    privateKey: key,
    serialNo: '7A',
    commonName: 'localhost',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3_600_000),
  });
  tlsServer = createHttpsServer(
    { key: key.export({ type: 'pkcs8', format: 'pem' }), cert: certificate },
    (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Request-ID': 'TLS-1' }).end(`{"path":"${req.url}"}`));
    },
  );
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const address = tlsServer.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  tlsPort = address.port;
  proxy = await TinyProxy.start();
  guardedProxy = await TinyProxy.start(credentials);
});

afterAll(async () => {
  await api.close();
  tlsServer.closeAllConnections();
  await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  await proxy.close();
  await guardedProxy.close();
});

beforeEach(() => {
  proxy.log.length = 0;
  guardedProxy.log.length = 0;
  api.requests.length = 0;
});

describe('proxy: https targets through a CONNECT tunnel', () => {
  it('tunnels to the target, verifies its certificate end to end, and reuses the tunnel', async () => {
    const agents = createProxyAgents(new URL(proxy.url));
    const get = () =>
      new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          { host: 'localhost', port: tlsPort, path: '/v3/x', agent: agents.https, ca: certificate },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => {
              text += chunk.toString('utf8');
            });
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get()).toBe('{"path":"/v3/x"}');
    expect(await get()).toBe('{"path":"/v3/x"}');
    // One tunnel for both requests: keep-alive works through the proxy too.
    expect(proxy.log).toEqual([
      { method: 'CONNECT', target: `localhost:${tlsPort}`, proxyAuthorization: undefined },
    ]);
  });

  it('fails closed when the target behind the tunnel presents a certificate nobody trusts', async () => {
    const send = createNodeHttpSender({ proxy: new URL(proxy.url) });
    const failure = send(
      { method: 'GET', url: `https://localhost:${tlsPort}/v3/x`, headers: {} },
      { timeoutMs: 5_000 },
    );
    await expect(failure).rejects.toBeInstanceOf(WechatPayNetworkError);
    await expect(failure).rejects.toMatchObject({ cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    expect(proxy.log.map((entry) => entry.method)).toEqual(['CONNECT']);
  });

  it('sends the URL credentials as Proxy-Authorization; a 407 is a configuration error naming proxy', async () => {
    const wrong = createNodeHttpSender({
      proxy: new URL(guardedProxy.url.replace('http://', 'http://egress:nope@')),
    });
    const refused = wrong(
      { method: 'GET', url: `https://localhost:${tlsPort}/v3/x`, headers: {} },
      { timeoutMs: 5_000 },
    );
    await expect(refused).rejects.toBeInstanceOf(WechatPayConfigError);
    await expect(refused).rejects.toMatchObject({ input: 'proxy', retryable: false });
    await expect(refused).rejects.toThrow(/407/);
    // The message names the proxy but never repeats its password.
    await expect(refused).rejects.not.toThrow(/nope/);

    const agents = createProxyAgents(new URL(withCredentials(guardedProxy.url)));
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpsRequest(
        { host: 'localhost', port: tlsPort, path: '/', agent: agents.https, ca: certificate },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(guardedProxy.log.at(-1)?.proxyAuthorization).toBe(
      `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`,
    );
  });
});

describe('proxy: a client configured with one', () => {
  it('signs, sends through the proxy (absolute-form for an http base URL) and verifies the answer', async () => {
    api.reply({ status: 200, body: cancelledBill });
    const wxpay = testClient(api.baseUrl, undefined, { proxy: withCredentials(guardedProxy.url) });
    const answer = await wxpay.transferBills
      .partnerCancel({ out_bill_no: 'plfk2020042013', sub_mchid: '1900001121' })
      .withResponse();
    expect(answer.data).toEqual(cancelledBill);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.authFailure).toBeUndefined();
    // The proxy's credentials are for the proxy: they never reach WeChat Pay.
    expect(api.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(guardedProxy.log).toEqual([
      {
        method: 'POST',
        target: answer.url,
        proxyAuthorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`,
      },
    ]);
  });
});

describe('ca: https to a server signed by a CA of your own, directly or through a CONNECT proxy', () => {
  let tlsApi: SignedTestServer;
  beforeAll(async () => {
    const key = testKeys().platform.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    tlsApi = await startTestServer(() => ({ status: 200, body: cancelledBill }), undefined, {
      key,
      cert: certificate,
    });
  });
  afterAll(() => tlsApi.close());
  beforeEach(() => {
    tlsApi.requests.length = 0;
  });

  const cancel = (wxpay: ReturnType<typeof testClient>) =>
    wxpay.transferBills
      .partnerCancel({ out_bill_no: 'plfk2020042013', sub_mchid: '1900001121' })
      .withResponse();

  it('signs, tunnels through the proxy, verifies the server against the given CA and the answer against the key', async () => {
    const wxpay = testClient(tlsApi.baseUrl, undefined, {
      proxy: withCredentials(guardedProxy.url),
      ca: certificate,
      retry: false,
    });
    const first = await cancel(wxpay);
    const second = await cancel(wxpay);
    expect(first.data).toEqual(cancelledBill);
    expect(second.url).toBe(
      `${tlsApi.baseUrl}/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/plfk2020042013/cancel`,
    );
    expect(tlsApi.requests.map((r) => r.authFailure)).toEqual([undefined, undefined]);
    // One tunnel, reused; the proxy saw the host name and its own credentials, nothing of the request.
    expect(guardedProxy.log.map((entry) => [entry.method, entry.target])).toEqual([
      ['CONNECT', tlsApi.baseUrl.replace('https://', '')],
    ]);
    expect(tlsApi.requests[0]?.headers['proxy-authorization']).toBeUndefined();
  });

  it('without ca the same call fails closed on the untrusted certificate, and nothing reaches the server', async () => {
    const wxpay = testClient(tlsApi.baseUrl, undefined, { proxy: proxy.url, retry: false });
    const failure = cancel(wxpay);
    await expect(failure).rejects.toBeInstanceOf(WechatPayNetworkError);
    await expect(failure).rejects.toMatchObject({ cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    expect(tlsApi.requests).toHaveLength(0);
  });

  it('trusts the CA without a proxy too, given as DER bytes inside a list', async () => {
    const der = new X509Certificate(certificate).raw;
    const wxpay = testClient(tlsApi.baseUrl, undefined, { ca: [der], retry: false });
    expect((await cancel(wxpay)).data).toEqual(cancelledBill);
    // Its own connections: a client that trusts only the defaults does not reuse them.
    const plain = testClient(tlsApi.baseUrl, undefined, { retry: false });
    await expect(cancel(plain)).rejects.toMatchObject({ cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
  });

  it.each([
    ['with agent', { agent: new HttpsAgent(), ca: 'x' }, /cannot be combined with agent/],
    ['with fetch', { fetch: globalThis.fetch, ca: 'x' }, /cannot be combined with fetch/],
    ['an empty list', { ca: [] }, /empty list/],
    ['a file path', { ca: '/etc/ssl/corp-ca.pem' }, /pass its contents/],
    ['a number', { ca: 42 }, /PEM text, PEM or DER bytes/],
    [
      'a damaged certificate',
      { ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
      /does not parse/,
    ],
  ])('refuses ca %s at construction, naming the option', (_what, overrides, message) => {
    const build = () => testClient(tlsApi.baseUrl, undefined, overrides as never);
    expect(build).toThrow(WechatPayConfigError);
    expect(build).toThrow(message);
    try {
      build();
    } catch (error) {
      expect((error as WechatPayConfigError).input).toBe('ca');
    }
  });
});
