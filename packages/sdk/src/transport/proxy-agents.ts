import {
  type AgentOptions,
  type ClientRequestArgs,
  Agent as HttpAgent,
  request as httpRequest,
} from 'node:http';
import {
  Agent as HttpsAgent,
  type RequestOptions as HttpsRequestOptions,
  request as httpsRequest,
} from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { WechatPayConfigError } from '../errors/index.js';

/** The settings of Node's own global agent (keep-alive, LIFO reuse, idle sockets closed after 5 s, no Nagle). */
export const KEEP_ALIVE_AGENT_OPTIONS: Readonly<AgentOptions> = Object.freeze({
  keepAlive: true,
  scheduling: 'lifo',
  timeout: 5_000,
  noDelay: true,
});

/** How long a proxy may take to answer CONNECT; the attempt's own timeout usually fires first. */
const TUNNEL_TIMEOUT_MS = 30_000;

/** An HTTP(S) forward proxy, as parsed from `http://user:pass@host:port`. */
export interface ProxyEndpoint {
  secure: boolean;
  /** Without IPv6 brackets, as net.connect wants it. */
  hostname: string;
  port: number;
  /** `Basic …` when the URL carries credentials. */
  authorization: string | undefined;
  /** The URL without credentials, for messages. */
  display: string;
}

export function parseProxyUrl(url: URL): ProxyEndpoint {
  const secure = url.protocol === 'https:';
  const credentials =
    url.username === '' && url.password === ''
      ? undefined
      : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return {
    secure,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    authorization:
      credentials === undefined ? undefined : `Basic ${Buffer.from(credentials).toString('base64')}`,
    display: `${url.protocol}//${url.host}`,
  };
}

/** Connects to the proxy itself: plain TCP, or TLS for an `https:` proxy. */
function connectToProxy(proxy: ProxyEndpoint): Socket {
  return proxy.secure
    ? tlsConnect({
        host: proxy.hostname,
        port: proxy.port,
        servername: proxy.hostname,
        ALPNProtocols: ['http/1.1'],
      })
    : netConnect({ host: proxy.hostname, port: proxy.port });
}

/**
 * Opens a CONNECT tunnel to `host:port` through the proxy. A 407 is a configuration problem (credentials), so it
 * surfaces as `WechatPayConfigError`; any other refusal or failure is a network error for the caller to map.
 */
export function openTunnel(proxy: ProxyEndpoint, host: string, port: number): Promise<Socket> {
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise<Socket>((resolve, reject) => {
    const headers: Record<string, string> = { Host: authority };
    if (proxy.authorization) headers['Proxy-Authorization'] = proxy.authorization;
    const options: HttpsRequestOptions = {
      host: proxy.hostname,
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
      timeout: TUNNEL_TIMEOUT_MS,
    };
    const request = proxy.secure ? httpsRequest(options) : httpRequest(options);
    request.once('connect', (response, socket, head) => {
      request.setTimeout(0);
      if (response.statusCode === 200) {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
        return;
      }
      socket.destroy();
      const answer = `${response.statusCode} ${response.statusMessage ?? ''}`.trim();
      if (response.statusCode === 407) {
        reject(
          new WechatPayConfigError(
            'proxy',
            `the proxy ${proxy.display} answered ${answer} to CONNECT ${authority}: check the user and password in the proxy URL`,
          ),
        );
        return;
      }
      reject(new Error(`the proxy ${proxy.display} answered ${answer} to CONNECT ${authority}`));
    });
    request.once('timeout', () =>
      request.destroy(
        new Error(
          `the proxy ${proxy.display} did not answer CONNECT ${authority} within ${TUNNEL_TIMEOUT_MS} ms`,
        ),
      ),
    );
    request.once('error', reject);
    request.end();
  });
}

/** Keep-alive agent for https targets: each new connection is a TLS session inside a CONNECT tunnel. */
class TunnelingAgent extends HttpsAgent {
  readonly #proxy: ProxyEndpoint;

  constructor(proxy: ProxyEndpoint, tls: TargetTlsOptions) {
    super({ ...KEEP_ALIVE_AGENT_OPTIONS, ...tls });
    this.#proxy = proxy;
  }

  override createConnection(
    options: HttpsRequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = Number(options.port ?? 443);
    openTunnel(this.#proxy, host, port).then(
      // The agent's options (servername, ca, rejectUnauthorized, …) apply to the TLS session with the target.
      (socket) => callback?.(null, tlsConnect({ ...options, host, port, socket } as never)),
      (error: Error) => callback?.(error, undefined as never),
    );
    return undefined;
  }
}

/** Keep-alive agent for http targets: connects to the proxy, which forwards absolute-form requests. */
class ForwardingAgent extends HttpAgent {
  readonly #proxy: ProxyEndpoint;

  constructor(proxy: ProxyEndpoint) {
    super(KEEP_ALIVE_AGENT_OPTIONS);
    this.#proxy = proxy;
  }

  override createConnection(_options: ClientRequestArgs): Duplex {
    return connectToProxy(this.#proxy);
  }
}

/** The pair of agents that route a client's https and http traffic through one proxy. */
export interface ProxyAgents {
  https: HttpsAgent;
  http: HttpAgent;
  proxy: ProxyEndpoint;
}

/** TLS settings for https targets (not for the proxy itself): `ca` replaces Node's default trusted roots. */
export interface TargetTlsOptions {
  ca?: string[] | undefined;
}

export function createProxyAgents(url: URL, tls: TargetTlsOptions = {}): ProxyAgents {
  const proxy = parseProxyUrl(url);
  return { https: new TunnelingAgent(proxy, tls), http: new ForwardingAgent(proxy), proxy };
}
