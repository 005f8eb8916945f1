import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  buildRequestSignMessage,
  buildResponseSignMessage,
  generateNonce,
  type ParsedAuthorization,
  parseAuthorization,
  signSha256WithRsa,
  verifySha256WithRsa,
} from '../../src/protocol/index.js';

/** What the server saw, and whether the client's Authorization checked out. */
export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as requested (the canonical URL the client signed). */
  url: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The raw body as UTF-8 text ('' when none). */
  body: string;
  authorization: ParsedAuthorization | undefined;
  /** Why the Authorization was rejected; `undefined` when it verified. */
  authFailure: string | undefined;
}

/** Ways to spoil a response signature, each matching one verification failure of the client. */
export type Forgery = 'badSignature' | 'probe' | 'missingSignature' | 'unknownSerial' | 'staleTimestamp';

export interface Reply {
  status: number;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Default: sign every response except 401, as the spec (§4.4) says WeChat Pay does. */
  sign?: boolean;
  forge?: Forgery;
  /** Never answer (for timeouts and aborts). */
  hang?: boolean;
}

export type Handler = (request: ReceivedRequest) => Reply | Promise<Reply>;

export interface SignedTestServerOptions {
  merchant: { mchid: string; serialNo: string; publicKey: KeyObject };
  platform: { id: string; privateKey: KeyObject };
  /** Server clock in epoch ms for checking request timestamps and signing responses. */
  now?: () => number;
  handler?: Handler;
  /** Serve https with this key and certificate (base URL `https://localhost:<port>`) instead of plain http. */
  tls?: { key: string; cert: string };
}

let requestCounter = 0;

/**
 * A loopback HTTP server that behaves like WeChat Pay at the protocol level: it checks the client's
 * Authorization with the protocol functions (401 SIGN_ERROR, unsigned, when it fails) and signs its responses
 * with the platform key, unless told to forge them. Replies come from `handler`, or from queued `reply()`s first.
 */
export class SignedTestServer {
  readonly requests: ReceivedRequest[] = [];
  handler: Handler;
  readonly #queue: Reply[] = [];
  readonly #server: Server;
  readonly #options: SignedTestServerOptions;
  #port = 0;

  private constructor(options: SignedTestServerOptions) {
    this.#options = options;
    this.handler =
      options.handler ?? (() => ({ status: 404, body: { code: 'NOT_FOUND', message: 'no handler' } }));
    const listener: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void this.#handle(
          req.method ?? '',
          req.url ?? '',
          req.headers,
          Buffer.concat(chunks).toString('utf8'),
        ).then((answer) => {
          if (!answer) return;
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        });
      });
    };
    this.#server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);
  }

  static async start(options: SignedTestServerOptions): Promise<SignedTestServer> {
    const server = new SignedTestServer(options);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    const address = server.#server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    server.#port = address.port;
    return server;
  }

  get baseUrl(): string {
    // The test certificates name localhost, which resolves to loopback.
    return this.#options.tls ? `https://localhost:${this.#port}` : `http://127.0.0.1:${this.#port}`;
  }

  /** Queues replies used (in order) before falling back to `handler`. */
  reply(...replies: Reply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  async #verifyAuthorization(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: string,
  ): Promise<{ parsed: ParsedAuthorization | undefined; failure: string | undefined }> {
    const header = headers.authorization;
    if (!header) return { parsed: undefined, failure: 'missing Authorization' };
    let parsed: ParsedAuthorization;
    try {
      parsed = parseAuthorization(header);
    } catch (error) {
      return { parsed: undefined, failure: (error as Error).message };
    }
    const { merchant } = this.#options;
    if (parsed.mchid !== merchant.mchid) return { parsed, failure: `unknown mchid ${parsed.mchid}` };
    if (parsed.serial_no !== merchant.serialNo)
      return { parsed, failure: `unknown serial_no ${parsed.serial_no}` };
    if (Math.abs(Math.floor(this.#now() / 1000) - Number(parsed.timestamp)) > 300) {
      return { parsed, failure: 'timestamp more than 5 minutes off' };
    }
    const message = buildRequestSignMessage({
      method,
      url,
      timestamp: parsed.timestamp,
      nonce: parsed.nonce_str,
      body,
    });
    const valid = await verifySha256WithRsa(message, parsed.signature, merchant.publicKey);
    return { parsed, failure: valid ? undefined : 'signature does not verify' };
  }

  async #handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: string } | undefined> {
    const { parsed, failure } = await this.#verifyAuthorization(method, url, headers, body);
    const parsedUrl = new URL(url, 'http://127.0.0.1');
    const received: ReceivedRequest = {
      method,
      url,
      path: parsedUrl.pathname,
      query: Object.fromEntries(parsedUrl.searchParams),
      headers,
      body,
      authorization: parsed,
      authFailure: failure,
    };
    this.requests.push(received);
    const requestId = `TEST-REQUEST-${++requestCounter}`;

    if (failure) {
      const text = JSON.stringify({ code: 'SIGN_ERROR', message: '签名错误', detail: { issue: failure } });
      return {
        status: 401,
        headers: { 'Content-Type': 'application/json', 'Request-ID': requestId },
        body: text,
      };
    }

    const reply = this.#queue.shift() ?? (await this.handler(received));
    if (reply.hang) return undefined;
    const text =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    const out: Record<string, string> = { 'Request-ID': requestId, ...reply.headers };
    if (text !== '') out['Content-Type'] ??= 'application/json';
    if (reply.sign ?? reply.status !== 401)
      Object.assign(out, await this.#signatureHeaders(text, reply.forge));
    return { status: reply.status, headers: out, body: text };
  }

  async #signatureHeaders(body: string, forge: Forgery | undefined): Promise<Record<string, string>> {
    const { platform } = this.#options;
    const skew = forge === 'staleTimestamp' ? -600 : 0;
    const timestamp = Math.floor(this.#now() / 1000) + skew;
    const nonce = generateNonce();
    let signature = await signSha256WithRsa(
      buildResponseSignMessage({ timestamp, nonce, body }),
      platform.privateKey,
    );
    if (forge === 'badSignature')
      signature = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    if (forge === 'probe') signature = `WECHATPAY/SIGNTEST/${signature}`;
    const headers: Record<string, string> = {
      'Wechatpay-Timestamp': String(timestamp),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial':
        forge === 'unknownSerial' ? 'PUB_KEY_ID_0000000000000099999999999999999999' : platform.id,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
    if (forge === 'missingSignature') delete headers['Wechatpay-Signature'];
    return headers;
  }
}
