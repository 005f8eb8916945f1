import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  WechatPayAbortError,
  WechatPayConfigError,
  WechatPayNetworkError,
  WechatPayTimeoutError,
} from '../../src/errors/index.js';
import { createFetchSender } from '../../src/transport/fetch-transport.js';
import type { HttpSender } from '../../src/transport/http-exchange.js';
import { createNodeHttpSender } from '../../src/transport/node-http-transport.js';
import { closedPort } from '../support/closed-port.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, _body, res) => res.end();
let requestCount = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requestCount++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requestCount = 0;
});

const senders: Array<[string, () => HttpSender]> = [
  ['node:http (default)', () => createNodeHttpSender()],
  ['a user-supplied fetch', () => createFetchSender(fetch)],
];

describe.each(senders)('%s', (_name, makeSender) => {
  const send = makeSender();

  it('sends method, headers and body as given and returns status, lower-cased headers and exact bytes', async () => {
    let seen: { method?: string; url?: string; auth?: string; body?: string; length?: string } = {};
    // A leading BOM and non-ASCII text: both must survive byte for byte for verification.
    const payload = Buffer.from('\uFEFF{"name":"现金奖励"}', 'utf8');
    handler = (req, body, res) => {
      seen = {
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        body,
        length: req.headers['content-length'],
      };
      res.writeHead(200, { 'Request-ID': 'RID-1', 'Content-Type': 'application/json' });
      res.end(payload);
    };
    const response = await send(
      { method: 'POST', url: `${baseUrl}/v3/x?a=1`, headers: { Authorization: 'A b' }, body: '{"k":"值"}' },
      { timeoutMs: 5_000 },
    );
    expect(seen).toEqual({
      method: 'POST',
      url: '/v3/x?a=1',
      auth: 'A b',
      body: '{"k":"值"}',
      length: String(Buffer.byteLength('{"k":"值"}')),
    });
    expect(response.status).toBe(200);
    expect(response.headers['request-id']).toBe('RID-1');
    expect(Buffer.from(response.bodyBytes).equals(payload)).toBe(true);
    expect(response.body).toBe('\uFEFF{"name":"现金奖励"}');
  });

  it('joins a repeated header with ", " so a duplicated signature header cannot verify', async () => {
    handler = (_req, _body, res) => {
      res.setHeader('Wechatpay-Signature', ['first', 'second']);
      res.end();
    };
    const response = await send({ method: 'GET', url: `${baseUrl}/v3/x`, headers: {} }, { timeoutMs: 5_000 });
    expect(response.headers['wechatpay-signature']).toBe('first, second');
  });

  it('returns an error status as a response, not as a failure', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(404);
      res.end('{"code":"NOT_FOUND"}');
    };
    const response = await send({ method: 'GET', url: `${baseUrl}/v3/x`, headers: {} }, { timeoutMs: 5_000 });
    expect(response.status).toBe(404);
    expect(response.body).toBe('{"code":"NOT_FOUND"}');
  });

  it('does not follow redirects', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(302, { Location: `${baseUrl}/elsewhere` });
      res.end();
    };
    const response = await send({ method: 'GET', url: `${baseUrl}/v3/x`, headers: {} }, { timeoutMs: 5_000 });
    expect(response.status).toBe(302);
    expect(requestCount).toBe(1);
  });

  it('maps a refused connection to WechatPayNetworkError', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v3/x`;
    const failure = send({ method: 'GET', url, headers: {} }, { timeoutMs: 5_000 });
    await expect(failure).rejects.toBeInstanceOf(WechatPayNetworkError);
    await expect(failure).rejects.toMatchObject({ method: 'GET', url, retryable: true });
  });

  it('maps a server that never answers to WechatPayTimeoutError', async () => {
    handler = () => {};
    const failure = send({ method: 'GET', url: `${baseUrl}/v3/slow`, headers: {} }, { timeoutMs: 50 });
    await expect(failure).rejects.toBeInstanceOf(WechatPayTimeoutError);
    await expect(failure).rejects.toMatchObject({ timeoutMs: 50 });
  });

  it('times out while the body is still streaming', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200);
      res.write('{"partial":');
    };
    await expect(
      send({ method: 'GET', url: `${baseUrl}/v3/stream`, headers: {} }, { timeoutMs: 80 }),
    ).rejects.toBeInstanceOf(WechatPayTimeoutError);
  });

  it('maps a connection cut in the middle of the body to WechatPayNetworkError', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"partial":', () => res.socket?.destroy());
    };
    await expect(
      send({ method: 'GET', url: `${baseUrl}/v3/cut`, headers: {} }, { timeoutMs: 5_000 }),
    ).rejects.toBeInstanceOf(WechatPayNetworkError);
  });

  it('does not send at all when the signal is already aborted', async () => {
    await expect(
      send(
        { method: 'GET', url: `${baseUrl}/v3/x`, headers: {} },
        { timeoutMs: 5_000, signal: AbortSignal.abort() },
      ),
    ).rejects.toBeInstanceOf(WechatPayAbortError);
    expect(requestCount).toBe(0);
  });

  it('maps an abort during the request to WechatPayAbortError, not a timeout', async () => {
    handler = () => {};
    const controller = new AbortController();
    const pending = send(
      { method: 'GET', url: `${baseUrl}/v3/hang`, headers: {} },
      { timeoutMs: 5_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(WechatPayAbortError);
  });
});

describe('node:http sender', () => {
  it('keeps the connection alive: consecutive requests share one socket', async () => {
    const clientPorts: Array<number | undefined> = [];
    handler = (req, _body, res) => {
      clientPorts.push(req.socket.remotePort);
      res.end('{}');
    };
    const send = createNodeHttpSender();
    for (let i = 0; i < 3; i++) {
      await send({ method: 'GET', url: `${baseUrl}/v3/x`, headers: {} }, { timeoutMs: 5_000 });
    }
    expect(clientPorts).toHaveLength(3);
    expect(new Set(clientPorts).size).toBe(1);
  });

  it('uses the agent it was given', async () => {
    handler = (_req, _body, res) => res.end('{}');
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    const used: string[] = [];
    const original = agent.createConnection.bind(agent);
    agent.createConnection = (options, callback) => {
      used.push(`${options.host}:${options.port}`);
      return original(options, callback);
    };
    await createNodeHttpSender({ agent })(
      { method: 'GET', url: `${baseUrl}/v3/x`, headers: {} },
      { timeoutMs: 5_000 },
    );
    expect(used).toEqual([baseUrl.replace('http://', '')]);
  });

  it('refuses an agent for the other scheme as a configuration error, sending nothing', async () => {
    const send = createNodeHttpSender({ agent: new HttpsAgent() });
    const failure = send({ method: 'GET', url: `${baseUrl}/v3/x`, headers: {} }, { timeoutMs: 5_000 });
    await expect(failure).rejects.toBeInstanceOf(WechatPayConfigError);
    await expect(failure).rejects.toMatchObject({ input: 'agent' });
    expect(requestCount).toBe(0);
  });

  it('does not change the headers object it was given', async () => {
    handler = (_req, _body, res) => res.end();
    const headers = { Accept: 'application/json' };
    await createNodeHttpSender()(
      { method: 'POST', url: `${baseUrl}/v3/x`, headers, body: '{}' },
      { timeoutMs: 5_000 },
    );
    expect(headers).toEqual({ Accept: 'application/json' });
  });
});
