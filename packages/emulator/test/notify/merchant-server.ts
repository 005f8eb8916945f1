import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the merchant's notify endpoint received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A status to answer with, or `hang` to never answer. */
export type Reply = number | 'hang';

export interface MerchantServer {
  url: string;
  requests: ReceivedRequest[];
  /** Most requests ever open at once. */
  maxConcurrent: number;
  /** Requests whose connection the client closed before this server answered them. */
  abandoned: number;
  close(): Promise<void>;
}

/**
 * A merchant's notify endpoint on 127.0.0.1: records every request and answers as `reply` decides (called after
 * the whole body has arrived, so it can verify the signature first).
 */
export async function startMerchantServer(
  reply: (request: ReceivedRequest, index: number) => Reply | Promise<Reply>,
  options: { delayMs?: number } = {},
): Promise<MerchantServer> {
  const requests: ReceivedRequest[] = [];
  let open = 0;
  const state = { maxConcurrent: 0, abandoned: 0, closing: false };
  const server = createServer((req, res) => {
    open++;
    state.maxConcurrent = Math.max(state.maxConcurrent, open);
    res.on('close', () => {
      open--;
      if (!res.writableEnded && !state.closing) state.abandoned++;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(received) - 1;
      const answer = await reply(received, index);
      if (answer === 'hang') return;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      respond(res, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    requests,
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    get abandoned() {
      return state.abandoned;
    },
    close: () =>
      new Promise<void>((resolve) => {
        state.closing = true;
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(res: ServerResponse, status: number): void {
  if (status >= 200 && status < 300) {
    res.writeHead(status).end();
  } else if (status >= 300 && status < 400) {
    res.writeHead(status, { Location: '/elsewhere' }).end();
  } else {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ code: 'FAIL', message: '失败' }));
  }
}

/** A URL on which nothing listens: the port was bound and released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/notify`;
}
