import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/index.js';
import { testFamily } from '../support/test-family.js';

// Issue 7, defects 3 and 5: no timeouts, no connection cap; parser refusals without Request-ID or APIv3 body.

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    families: [testFamily],
    limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 4 },
  });
});
afterAll(() => emulator.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(emulator.port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Sends raw bytes and reads until the server closes the connection. */
async function raw(text: string | Buffer, socket?: Socket): Promise<RawAnswer> {
  const s = socket ?? (await open());
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (chunk: Buffer) => chunks.push(chunk));
    s.on('error', () => undefined);
    s.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = all.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body });
    });
    if (text.length > 0) s.write(text);
  });
}

function expectApiV3(answer: RawAnswer, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.headers['request-id']).toMatch(/^[0-9A-F]{44}-0$/);
  const body = JSON.parse(answer.body);
  expect(typeof body.code).toBe('string');
  expect(typeof body.message).toBe('string');
}

describe('timeouts', () => {
  it('a request stalled mid-header is answered 408 and closed', async () => {
    expectApiV3(await raw('GET /v3/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '), 408);
  });

  it('a request stalled mid-body is answered 408 and closed', async () => {
    const answer = await raw(
      'POST /_emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"operation":',
    );
    expect(answer.status).toBe(408);
    expect(answer.headers['request-id']).toMatch(/-0$/);
  });
});

describe('connection cap', () => {
  it('connections over maxConnections are dropped; the server answers again once one closes', async () => {
    const held = await Promise.all([open(), open(), open(), open()]);
    // Give the server a moment to count them all (accepting is asynchronous).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const over = await raw('GET /_emulator/clock HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(over.status).toBe(0);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await fetch(`${emulator.url}/_emulator/clock`);
    expect(res.status).toBe(200);
  });
});

describe('requests the HTTP parser refuses get an APIv3 answer with a Request-ID', () => {
  const host = 'Host: 127.0.0.1\r\n';
  it.each([
    ['a raw space in the path', `GET /v3/a b HTTP/1.1\r\n${host}\r\n`, 400],
    ['a raw é in the path', Buffer.from(`GET /v3/caf\u00e9 HTTP/1.1\r\n${host}\r\n`, 'utf8'), 400],
    ['an unknown method', `BREW /v3/x HTTP/1.1\r\n${host}\r\n`, 400],
    [
      'conflicting Content-Length',
      `POST /v3/x HTTP/1.1\r\n${host}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
      400,
    ],
    [
      'Content-Length with Transfer-Encoding',
      `POST /v3/x HTTP/1.1\r\n${host}Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
    ],
    ['headers over 16 KB', `GET /v3/x HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431],
    ['Expect: x', `GET /v3/x HTTP/1.1\r\n${host}Expect: x\r\n\r\n`, 417],
  ])('%s', async (_name, request, status) => {
    expectApiV3(await raw(request), status);
  });

  it('no Host: the app answers (here 404 for an unknown path), with a Request-ID', async () => {
    const answer = await raw('GET /v3/nothing-here HTTP/1.1\r\nConnection: close\r\n\r\n');
    expectApiV3(answer, 404);
  });
});
