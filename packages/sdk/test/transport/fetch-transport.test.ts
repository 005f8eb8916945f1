import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WechatPayAbortError, WechatPayNetworkError, WechatPayTimeoutError } from '../../src/errors/index.js';
import { sendHttpRequest } from '../../src/transport/fetch-transport.js';
import { closedPort } from '../support/closed-port.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, _body, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
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

describe('sendHttpRequest', () => {
  it('sends method, headers and body as given and returns status, lower-cased headers and exact bytes', async () => {
    let seen: { method?: string; url?: string; auth?: string; body?: string } = {};
    // A leading BOM and non-ASCII text: both must survive byte for byte for verification.
    const payload = Buffer.from('\uFEFF{"name":"现金奖励"}', 'utf8');
    handler = (req, body, res) => {
      seen = { method: req.method, url: req.url, auth: req.headers.authorization, body };
      res.writeHead(200, { 'Request-ID': 'RID-1', 'Content-Type': 'application/json' });
      res.end(payload);
    };
    const response = await sendHttpRequest(
      { method: 'POST', url: `${baseUrl}/v3/x?a=1`, headers: { Authorization: 'A b' }, body: '{"k":"值"}' },
      { fetch, timeoutMs: 5_000 },
    );
    expect(seen).toEqual({ method: 'POST', url: '/v3/x?a=1', auth: 'A b', body: '{"k":"值"}' });
    expect(response.status).toBe(200);
    expect(response.headers['request-id']).toBe('RID-1');
    expect(Buffer.from(response.bodyBytes).equals(payload)).toBe(true);
    expect(response.body).toBe('\uFEFF{"name":"现金奖励"}');
  });

  it('returns an error status as a response, not as a failure', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(404);
      res.end('{"code":"NOT_FOUND"}');
    };
    const response = await sendHttpRequest(
      { method: 'GET', url: `${baseUrl}/v3/x`, headers: {} },
      { fetch, timeoutMs: 5_000 },
    );
    expect(response.status).toBe(404);
    expect(response.body).toBe('{"code":"NOT_FOUND"}');
  });

  it('does not follow redirects', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere' });
      res.end();
    };
    const response = await sendHttpRequest(
      { method: 'GET', url: `${baseUrl}/v3/x`, headers: {} },
      { fetch, timeoutMs: 5_000 },
    );
    expect(response.status).toBe(302);
  });

  it('maps a refused connection to WechatPayNetworkError', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v3/x`;
    const failure = sendHttpRequest({ method: 'GET', url, headers: {} }, { fetch, timeoutMs: 5_000 });
    await expect(failure).rejects.toBeInstanceOf(WechatPayNetworkError);
    await expect(failure).rejects.toMatchObject({ method: 'GET', url, retryable: true });
  });

  it('maps a server that never answers to WechatPayTimeoutError', async () => {
    handler = () => {};
    const failure = sendHttpRequest(
      { method: 'GET', url: `${baseUrl}/v3/slow`, headers: {} },
      { fetch, timeoutMs: 50 },
    );
    await expect(failure).rejects.toBeInstanceOf(WechatPayTimeoutError);
    await expect(failure).rejects.toMatchObject({ timeoutMs: 50 });
  });

  it('times out while the body is still streaming', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200);
      res.write('{"partial":');
    };
    await expect(
      sendHttpRequest({ method: 'GET', url: `${baseUrl}/v3/stream`, headers: {} }, { fetch, timeoutMs: 80 }),
    ).rejects.toBeInstanceOf(WechatPayTimeoutError);
  });

  it('does not send at all when the signal is already aborted', async () => {
    let calls = 0;
    const countingFetch = (input: string, init: RequestInit) => {
      calls++;
      return fetch(input, init);
    };
    await expect(
      sendHttpRequest(
        { method: 'GET', url: `${baseUrl}/v3/x`, headers: {} },
        { fetch: countingFetch, timeoutMs: 5_000, signal: AbortSignal.abort() },
      ),
    ).rejects.toBeInstanceOf(WechatPayAbortError);
    expect(calls).toBe(0);
  });

  it('maps an abort during the request to WechatPayAbortError, not a timeout', async () => {
    handler = () => {};
    const controller = new AbortController();
    const pending = sendHttpRequest(
      { method: 'GET', url: `${baseUrl}/v3/hang`, headers: {} },
      { fetch, timeoutMs: 5_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(WechatPayAbortError);
  });
});
