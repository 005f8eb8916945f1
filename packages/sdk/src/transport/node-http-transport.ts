import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  WechatPayAbortError,
  WechatPayConfigError,
  WechatPayNetworkError,
  WechatPayTimeoutError,
} from '../errors/index.js';
import { type HttpResponse, type HttpSender, MAX_TIMER_MS } from './http-exchange.js';
import { createProxyAgents, KEEP_ALIVE_AGENT_OPTIONS } from './proxy-agents.js';

export interface NodeHttpSenderOptions {
  /**
   * Sends every request through this agent instead of the SDK's keep-alive ones: a custom CA or client
   * certificate, a socket limit, or a proxy agent from another library.
   */
  agent?: HttpAgent | undefined;
  /** Routes through an HTTP(S) forward proxy: CONNECT tunnels for https targets, absolute-form for http ones. */
  proxy?: URL | undefined;
  /**
   * PEM certificates trusted for https targets in place of Node's default roots (a private CA, a TLS-inspecting
   * egress, a test server), directly or through `proxy`. Not with `agent`, which carries its own TLS settings.
   */
  ca?: string[] | undefined;
}

/** Where one origin's requests go: which agent, and whether the request-target is absolute (forward proxy). */
interface Route {
  secure: boolean;
  hostname: string;
  port: number;
  agent: HttpAgent;
  absoluteForm: boolean;
  /** `Proxy-Authorization` for absolute-form requests through a proxy with credentials. */
  proxyAuthorization: string | undefined;
}

let defaultAgents: { http: HttpAgent; https: HttpsAgent } | undefined;

/** Shared by every client without an agent or proxy, as the global fetch shares its dispatcher. */
function sharedAgents(): { http: HttpAgent; https: HttpsAgent } {
  defaultAgents ??= {
    http: new HttpAgent(KEEP_ALIVE_AGENT_OPTIONS),
    https: new HttpsAgent(KEEP_ALIVE_AGENT_OPTIONS),
  };
  return defaultAgents;
}

/** Lower-case names, repeated headers joined with `, ` (as fetch does): one pass over the raw list. */
function collectHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return headers;
}

/** `https://host:port/path?q` → the origin and the rest; the URL was built as base URL + path, so this is exact. */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash === -1 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

/**
 * The default transport: node:http/node:https over keep-alive agents. Per request it starts one timer and, only
 * when a signal is given, one abort listener; it reads headers once from `rawHeaders` and keeps the body as the
 * bytes received (a leading BOM included), which is what the response signature covers.
 */
export function createNodeHttpSender(options: NodeHttpSenderOptions = {}): HttpSender {
  const tls = options.ca ? { ca: options.ca } : {};
  const proxied = options.proxy ? createProxyAgents(options.proxy, tls) : undefined;
  // A custom CA gets an https agent of its own: its connections are never shared with clients trusting the defaults.
  const agents =
    proxied ??
    (options.ca
      ? { http: sharedAgents().http, https: new HttpsAgent({ ...KEEP_ALIVE_AGENT_OPTIONS, ...tls }) }
      : undefined);
  const routes = new Map<string, Route>();

  const routeFor = (origin: string): Route => {
    let route = routes.get(origin);
    if (route) return route;
    const url = new URL(origin);
    const secure = url.protocol === 'https:';
    const { http, https } = agents ?? sharedAgents();
    route = {
      secure,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      agent: options.agent ?? (secure ? https : http),
      absoluteForm: proxied !== undefined && !secure,
      proxyAuthorization: proxied && !secure ? proxied.proxy.authorization : undefined,
    };
    routes.set(origin, route);
    return route;
  };

  return (request, { timeoutMs, signal }) => {
    const { method, url } = request;
    if (signal?.aborted) return Promise.reject(new WechatPayAbortError(method, url, signal.reason));
    const { origin, path } = splitUrl(url);
    const route = routeFor(origin);
    let { headers } = request;
    if (request.body !== undefined || route.proxyAuthorization) {
      headers = { ...headers };
      // A known length, so the signed body never goes out chunked.
      if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
      if (route.proxyAuthorization) headers['Proxy-Authorization'] = route.proxyAuthorization;
    }

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let req: ClientRequest | undefined;
      const settle = (error: Error | undefined, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          reject(error);
          req?.destroy();
        } else resolve(response as HttpResponse);
      };
      const onAbort = () => settle(new WechatPayAbortError(method, url, signal?.reason));
      const onError = (cause: unknown) => {
        // A 407 from the proxy is the user's configuration, not the network.
        if (cause instanceof WechatPayConfigError) settle(cause);
        else settle(new WechatPayNetworkError(method, url, cause));
      };
      const timer = setTimeout(
        () => settle(new WechatPayTimeoutError(method, url, timeoutMs)),
        Math.min(timeoutMs, MAX_TIMER_MS),
      );
      signal?.addEventListener('abort', onAbort, { once: true });

      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', onError);
        res.on('close', () => {
          if (!res.complete)
            onError(new Error('the connection closed before the response body was complete'));
        });
        res.on('end', () => {
          const bodyBytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          settle(undefined, {
            status: res.statusCode ?? 0,
            headers: collectHeaders(res.rawHeaders),
            bodyBytes,
            // Buffer#toString keeps a leading BOM, unlike Response#text.
            body: bodyBytes.toString('utf8'),
          });
        });
      };

      const requestOptions: RequestOptions = {
        method,
        host: route.hostname,
        port: route.port,
        path: route.absoluteForm ? url : path,
        headers,
        agent: route.agent,
      };
      try {
        req = route.secure
          ? httpsRequest(requestOptions, onResponse)
          : httpRequest(requestOptions, onResponse);
      } catch (cause) {
        // An agent for the other protocol (an https.Agent for an http: base URL) fails here, before sending.
        if ((cause as { code?: unknown }).code === 'ERR_INVALID_PROTOCOL') {
          settle(
            new WechatPayConfigError('agent', `does not fit ${origin}: ${(cause as Error).message}`, cause),
          );
        } else settle(new WechatPayNetworkError(method, url, cause));
        return;
      }
      req.on('error', onError);
      req.end(request.body);
    });
  };
}
