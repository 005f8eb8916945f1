import type { Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from './api-error.js';
import { newRequestId } from './request-id.js';

/** How long a client may take and how many may be connected; each has a default, each can be set. */
export interface ServerLimits {
  /** The request line and headers must arrive within this many ms (default 10 000), or 408. */
  headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this many ms (default 30 000), or 408. */
  requestTimeoutMs?: number;
  /** A connection with no traffic at all for this many ms is closed (default 60 000). */
  idleTimeoutMs?: number;
  /** A kept-alive connection waiting for its next request is closed after this many ms (default 5 000). */
  keepAliveTimeoutMs?: number;
  /** Connections open at once (default 512, under the usual 1024 file descriptors); more are dropped. */
  maxConnections?: number;
}

export const DEFAULT_SERVER_LIMITS: Required<ServerLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
};

export function serverLimits(limits: ServerLimits = {}): Required<ServerLimits> {
  const resolved = { ...DEFAULT_SERVER_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`server limit ${name} must be an integer ≥ 1, got ${value}`);
  }
  return resolved;
}

/** The Fastify options that apply the limits when the HTTP server is created. */
export function fastifyServerOptions(limits: Required<ServerLimits>) {
  return {
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      // Node checks the two timeouts above on this interval (default 30 s, far coarser than they are).
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
      ),
      // Without a Host, Node answers an empty 400 itself; the app answers instead (with a Request-ID).
      requireHostHeader: false,
    },
  };
}

/** The connection cap, and APIv3-shaped answers for what Node refuses before the app sees a request. */
export function applyServerLimits(server: Server, limits: Required<ServerLimits>): void {
  server.maxConnections = limits.maxConnections;
  // `Expect:` other than 100-continue: Node would answer a bare 417.
  server.on('checkExpectation', (request, response: ServerResponse) => {
    const error = new ApiError(
      417,
      'INVALID_REQUEST',
      `不支持的Expect请求头 (unsupported Expect: ${String(request.headers.expect).slice(0, 100)})`,
      { field: 'Expect', location: 'header' },
    );
    const body = JSON.stringify(error.toBody());
    response.writeHead(417, {
      'Request-ID': newRequestId(),
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    });
    response.end(body);
  });
}

/** Node's parser codes → the status WeChat-shaped answer to send. */
function statusOf(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused (a raw space or é in the path, an unknown
 * method, conflicting Content-Length, Content-Length with Transfer-Encoding, headers over 16 KB, a stalled
 * request) never reaches the app, so it is answered here, on the raw socket, in APIv3 shape with a Request-ID.
 * Not possible when the client already reset the connection or a response is already being written on it: then
 * the socket is only closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === 'ECONNRESET' || !socket.writable || busy) {
    socket.destroy(error);
    return;
  }
  const status = statusOf(error.code);
  const apiError = new ApiError(
    status,
    'INVALID_REQUEST',
    status === 408
      ? '请求超时 (the request did not arrive in time)'
      : status === 431
        ? '请求头过大 (the request headers are too large)'
        : `请求不符合HTTP协议 (the HTTP request could not be parsed: ${error.code ?? error.message})`,
  );
  const body = JSON.stringify(apiError.toBody());
  const reason =
    status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nRequest-ID: ${newRequestId()}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
