// Test support shared by the tests of more than one package (packages never reach into each other's test folders).

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/** What the proxy was asked to do: a CONNECT tunnel or a forwarded absolute-form request. */
export interface ProxyLogEntry {
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  proxyAuthorization: string | undefined;
}

/**
 * A real forward proxy on loopback, small enough to read: CONNECT opens a TCP tunnel (the proxy sees only
 * ciphertext for https), any other method is forwarded from its absolute-form URL. With `credentials` it
 * answers 407 to a request without the matching `Proxy-Authorization`.
 */
export class TinyProxy {
  readonly log: ProxyLogEntry[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #expectedAuthorization: string | undefined;

  private constructor(credentials?: { user: string; password: string }) {
    this.#expectedAuthorization = credentials
      ? `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`
      : undefined;
    this.#server = createServer((req, res) => {
      if (!this.#admit(req)) {
        res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="tiny"' }).end();
        return;
      }
      const target = new URL(req.url ?? '');
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: target.pathname + target.search,
          headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    this.#server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      this.#sockets.add(client);
      if (!this.#admit(req)) {
        client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="tiny"\r\n\r\n',
        );
        return;
      }
      const [host = '', port = ''] = (req.url ?? '').split(/:(?=\d+$)/);
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      this.#sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }

  static async start(credentials?: { user: string; password: string }): Promise<TinyProxy> {
    const proxy = new TinyProxy(credentials);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return `http://127.0.0.1:${address.port}`;
  }

  #admit(req: IncomingMessage): boolean {
    const authorization = req.headers['proxy-authorization'];
    this.log.push({ method: req.method ?? '', target: req.url ?? '', proxyAuthorization: authorization });
    return this.#expectedAuthorization === undefined || authorization === this.#expectedAuthorization;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
