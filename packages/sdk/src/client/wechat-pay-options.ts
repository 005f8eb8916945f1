import type { Agent } from 'node:http';
import type { PlatformCertificateStore } from '../certificates/platform-certificate-store.js';
import type { CertificateInput, KeyInput } from '../protocol/keys.js';
import type { FetchFunction } from '../transport/fetch-transport.js';
import type { RetryOptions } from '../transport/retry-policy.js';
import type { RetryEvent } from '../transport/run-attempts.js';
import type { Sleep } from '../transport/sleep.js';
import type { TokenStore } from '../transport/token-store.js';
import type { TrustedCaInput } from './trusted-ca.js';

export interface WechatPayOptions {
  /** 商户号 of the caller (for service-provider and platform calls, the provider's / platform's number). */
  mchid: string;
  /** Serial number of the merchant API certificate (商户API证书序列号), hex. */
  serialNo: string;
  /** Merchant API private key (`apiclient_key.pem`): PEM text, a file path, the file's bytes or a KeyObject. */
  privateKey: KeyInput;
  /**
   * WeChat Pay public key (微信支付公钥) and its id `PUB_KEY_ID_…`. This, `platformCertificates`, or an
   * `apiV3Key` (which turns on managed certificates) is required.
   */
  wechatpayPublicKey?: { id: string; key: KeyInput } | undefined;
  /**
   * Platform certificates (平台证书), for merchants that have not moved to the public key: a fixed list, or
   * `'auto'` (the default when `apiV3Key` is set and there is neither a public key nor a list) to download
   * `GET /v3/certificates` on first need and keep it current. Alongside `wechatpayPublicKey` (a merchant
   * migrating), each response's `Wechatpay-Serial` picks the key.
   */
  platformCertificates?: readonly CertificateInput[] | 'auto' | ManagedPlatformCertificates | undefined;
  /** APIv3 key (APIv3密钥), 32 characters; decrypts notifications and downloaded platform certificates. */
  apiV3Key?: string | undefined;
  /** Defaults to https://api.mch.weixin.qq.com. Scheme, host and port only. */
  baseUrl?: string | undefined;
  /**
   * Where to send an attempt after the primary failed to connect or answered 5xx; `false` disables failover.
   * Defaults to https://api2.mch.weixin.qq.com when `baseUrl` is the default, and to `false` for any other
   * `baseUrl`, so that requests meant for an emulator or proxy never fail over to production.
   */
  backupBaseUrl?: string | false | undefined;
  /** Per-attempt timeout in milliseconds; default 10 000. */
  timeoutMs?: number | undefined;
  /**
   * Budget in milliseconds for a whole call: the rate-limit wait, every attempt and every backoff. Past it the
   * call fails with `WechatPayTimeoutError`. Default: none (only `timeoutMs` per attempt and the retry limit).
   */
  deadlineMs?: number | undefined;
  /** Defaults: 3 retries, 200 ms base delay, 5 000 ms maximum delay. `false` sends every request once. */
  retry?: Partial<RetryOptions> | false | undefined;
  /** Client-side token buckets at each operation's documented rate; on by default with an in-memory store. */
  rateLimit?: { store?: TokenStore | undefined } | false | undefined;
  /** Replaces the default `wxpay-kit/<version> (node <version>; <platform>)`. */
  userAgent?: string | undefined;
  /**
   * Sends through this `fetch` instead of the built-in node:http transport (e.g. a test double, or undici's fetch
   * with a `dispatcher`). Cannot be combined with `proxy` or `agent`.
   */
  fetch?: FetchFunction | undefined;
  /**
   * An HTTP(S) forward proxy for every request, `http://[user:password@]host:port` (or `https://` to reach the
   * proxy over TLS). https targets go through a CONNECT tunnel, so the proxy sees neither body nor signature.
   */
  proxy?: string | URL | undefined;
  /**
   * Your own `http.Agent`/`https.Agent` (or a proxy agent from another library) for every request, in place of
   * the SDK's keep-alive agents: custom CA, client certificate, socket limits. It must fit the base URL's scheme.
   */
  agent?: Agent | undefined;
  /**
   * Certificates to trust for an https `baseUrl` in place of Node's default roots: a private CA, a TLS-inspecting
   * egress proxy's CA, a test server's self-signed certificate. PEM text (one or a bundle), PEM or DER bytes, or a
   * list; each is parsed at construction. Works directly and through `proxy`; not with `fetch` or `agent`, which
   * make their own TLS connections (give them the CA instead).
   */
  ca?: TrustedCaInput | undefined;
  hooks?: WechatPayHooks | undefined;
  /** Clock in epoch milliseconds (signing timestamps, verification skew, rate limits); defaults to Date.now. */
  now?: (() => number) | undefined;
  /** Waits between retries and for rate-limit tokens; inject it in tests to skip real waiting. */
  sleep?: Sleep | undefined;
}

/** `platformCertificates: 'auto'` with settings. */
export interface ManagedPlatformCertificates {
  auto: true;
  /** Where downloads are kept; share one (e.g. Redis) between processes. Default: in memory, per client. */
  store?: PlatformCertificateStore | undefined;
  /** Download again once the set is this old (ms); default 3 600 000 (60 min, as wechatpay-java). */
  refreshIntervalMs?: number | undefined;
  /** At most one download per this many ms for serials the set does not know; default 60 000. */
  unknownSerialCooldownMs?: number | undefined;
}

/** Per-call options of every operation method and of `request()`. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for each attempt of this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's `deadlineMs` for this call as a whole. */
  deadlineMs?: number | undefined;
}

export interface RequestEvent {
  operation: string;
  method: string;
  url: string;
  attempt: number;
  /** The headers as sent, except that the signature in `Authorization` is replaced by `[REDACTED]`. */
  headers: Record<string, string>;
}

export interface ResponseEvent {
  operation: string;
  status: number;
  requestId: string | undefined;
  durationMs: number;
  attempt: number;
}

/**
 * Observability callbacks. They never receive a private key, the APIv3 key or a request signature. A hook
 * that throws (or rejects) is ignored: logging must not be able to break a payment call.
 */
export interface WechatPayHooks {
  onRequest?: ((event: RequestEvent) => void) | undefined;
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** The error a call finally rejects with (after any retries), including validation errors. */
  onError?: ((error: unknown) => void) | undefined;
}
