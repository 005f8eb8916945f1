import type { KeyObject } from 'node:crypto';
import { Agent } from 'node:http';
import { MemoryPlatformCertificateStore } from '../certificates/memory-platform-certificate-store.js';
import type { PlatformCertificateManager } from '../certificates/platform-certificate-manager.js';
import type { PlatformCertificateStore } from '../certificates/platform-certificate-store.js';
import { WechatPayConfigError } from '../errors/index.js';
import { type CertificateInput, loadPrivateKey } from '../protocol/keys.js';
import { PlatformKeyring } from '../protocol/platform-keyring.js';
import { BACKUP_BASE_URL, PRIMARY_BASE_URL } from '../transport/failover.js';
import { createFetchSender, type FetchFunction } from '../transport/fetch-transport.js';
import type { HttpSender } from '../transport/http-exchange.js';
import { MemoryTokenStore } from '../transport/memory-token-store.js';
import { createNodeHttpSender } from '../transport/node-http-transport.js';
import { RateLimiter } from '../transport/rate-limiter.js';
import {
  DEFAULT_RETRY_OPTIONS,
  findInvalidRetryOption,
  type RetryOptions,
} from '../transport/retry-policy.js';
import { sleep as realSleep, type Sleep } from '../transport/sleep.js';
import { resolveTrustedCa } from './trusted-ca.js';
import { defaultUserAgent } from './user-agent.js';
import type { ManagedPlatformCertificates, WechatPayHooks, WechatPayOptions } from './wechat-pay-options.js';

/** Everything a call needs, checked and loaded once at construction. */
export interface ClientContext {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
  keyring: PlatformKeyring;
  /** Set when platform certificates are managed (`'auto'`). */
  managedCertificates: ManagedCertificateSettings | undefined;
  /** The manager built from `managedCertificates` by the client, which owns the download call. */
  certificates: PlatformCertificateManager | undefined;
  apiV3Key: string | undefined;
  baseUrl: string;
  backupBaseUrl: string | false;
  timeoutMs: number;
  /** `undefined`: calls have no overall deadline. */
  deadlineMs: number | undefined;
  retry: RetryOptions | false;
  limiter: RateLimiter | undefined;
  userAgent: string;
  /** Sends one attempt: node:http by default, or the user's `fetch`. */
  send: HttpSender;
  hooks: WechatPayHooks;
  now: () => number;
  sleep: Sleep;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Typed as a record so that adding a hook to WechatPayHooks without listing it here does not compile. */
const KNOWN_HOOKS: Readonly<Record<keyof WechatPayHooks, true>> = {
  onRequest: true,
  onResponse: true,
  onRetry: true,
  onError: true,
};
const HOOK_NAMES = Object.keys(KNOWN_HOOKS);

function fail(input: string, message: string): never {
  throw new WechatPayConfigError(input, message);
}

/** `https://host[:port]` without a trailing slash; anything after the origin would break the signed URL. */
function checkBaseUrl(input: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    fail(input, `must be a URL string such as ${PRIMARY_BASE_URL}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(input, `is not a valid URL: "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail(input, `must use https: (or http: for a local emulator), got ${url.protocol}`);
  // WeChat Pay verifies the signature against the path it receives: a prefix here would be signed but not seen.
  if (
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    fail(input, `must be scheme, host and port only (like ${PRIMARY_BASE_URL}), got "${value}"`);
  }
  return url.origin;
}

function checkFunction<T>(input: string, value: unknown): T {
  if (typeof value !== 'function') fail(input, `must be a function, got ${typeof value}`);
  return value as T;
}

function checkPositiveInteger(input: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(input, `must be a positive integer (milliseconds), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Settings of managed platform certificates, checked; the manager itself is built by the client. */
export interface ManagedCertificateSettings {
  apiV3Key: string;
  store: PlatformCertificateStore;
  refreshIntervalMs: number | undefined;
  unknownSerialCooldownMs: number | undefined;
}

function isStore(value: unknown): value is PlatformCertificateStore {
  const store = value as PlatformCertificateStore;
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof store.load === 'function' &&
    typeof store.save === 'function' &&
    (store.acquireRefreshLock === undefined || typeof store.acquireRefreshLock === 'function')
  );
}

function resolveManaged(
  options: WechatPayOptions,
  apiV3Key: string | undefined,
): ManagedCertificateSettings | undefined {
  const setting = options.platformCertificates;
  const implicit = setting === undefined && !options.wechatpayPublicKey && apiV3Key !== undefined;
  if (
    !implicit &&
    setting !== 'auto' &&
    (typeof setting !== 'object' || Array.isArray(setting) || !setting)
  ) {
    return undefined;
  }
  const managed: Partial<ManagedPlatformCertificates> =
    typeof setting === 'object' && setting !== null && !Array.isArray(setting)
      ? (setting as ManagedPlatformCertificates)
      : {};
  if (typeof setting === 'object' && managed.auto !== true) {
    fail(
      'platformCertificates',
      "must be an array of certificates, 'auto', or { auto: true, store?, refreshIntervalMs? }",
    );
  }
  if (apiV3Key === undefined) {
    fail(
      'apiV3Key',
      "is needed for platformCertificates: 'auto': downloaded certificates are encrypted with the APIv3 key",
    );
  }
  const store = managed.store ?? new MemoryPlatformCertificateStore();
  if (!isStore(store)) {
    fail(
      'platformCertificates.store',
      'must implement PlatformCertificateStore (load, save, optional acquireRefreshLock)',
    );
  }
  const interval = (name: 'refreshIntervalMs' | 'unknownSerialCooldownMs') =>
    managed[name] === undefined
      ? undefined
      : checkPositiveInteger(`platformCertificates.${name}`, managed[name]);
  return {
    apiV3Key,
    store,
    refreshIntervalMs: interval('refreshIntervalMs'),
    unknownSerialCooldownMs: interval('unknownSerialCooldownMs'),
  };
}

function resolveKeyring(options: WechatPayOptions, managed: boolean): PlatformKeyring {
  const setting = options.platformCertificates;
  const certificates = Array.isArray(setting) ? (setting as readonly CertificateInput[]) : undefined;
  if (setting !== undefined && !managed && certificates === undefined) {
    fail(
      'platformCertificates',
      "must be an array of certificates (PEM text, file paths or bytes) or 'auto'",
    );
  }
  if (!managed && !options.wechatpayPublicKey && (certificates === undefined || certificates.length === 0)) {
    fail(
      'wechatpayPublicKey',
      'configure the WeChat Pay public key ({ id: "PUB_KEY_ID_…", key }), platform certificates, or an apiV3Key ' +
        '(certificates are then downloaded); without one, responses cannot be verified',
    );
  }
  if (options.wechatpayPublicKey !== undefined && typeof options.wechatpayPublicKey !== 'object') {
    fail('wechatpayPublicKey', 'must be { id: "PUB_KEY_ID_…", key: <PEM text | path | bytes | KeyObject> }');
  }
  return new PlatformKeyring({ publicKey: options.wechatpayPublicKey, certificates });
}

function resolveRetry(retry: WechatPayOptions['retry']): RetryOptions | false {
  if (retry === false) return false;
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) {
    fail('retry', 'must be false or { maxRetries?, baseDelayMs?, maxDelayMs? }');
  }
  const merged = { ...DEFAULT_RETRY_OPTIONS, ...retry };
  const invalid = findInvalidRetryOption(merged);
  if (invalid) fail(`retry.${invalid.member}`, invalid.problem);
  return merged;
}

function resolveLimiter(options: WechatPayOptions, now: () => number, sleep: Sleep): RateLimiter | undefined {
  const { rateLimit } = options;
  if (rateLimit === false) return undefined;
  if (rateLimit !== undefined && (typeof rateLimit !== 'object' || rateLimit === null)) {
    fail('rateLimit', 'must be false or { store?: TokenStore }');
  }
  const store = rateLimit?.store ?? new MemoryTokenStore();
  if (typeof store.take !== 'function')
    fail('rateLimit.store', 'must implement TokenStore (a take() method)');
  return new RateLimiter({ store, now, sleep });
}

/** `http://host:port` or `https://…` of a forward proxy, credentials allowed; nothing after the authority. */
function checkProxyUrl(value: unknown): URL {
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    return fail(
      'proxy',
      `must be a URL such as http://proxy.example.com:3128, got ${JSON.stringify(String(value))}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail('proxy', `must use http: or https: (the scheme to reach the proxy itself), got ${url.protocol}`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    fail(
      'proxy',
      `must be scheme, credentials, host and port only, got ${url.protocol}//${url.host}${url.pathname}`,
    );
  }
  return url;
}

/** The transport: the user's fetch, or node:http with the user's agent or proxy (at most one of the three). */
function resolveSender(options: WechatPayOptions): HttpSender {
  const { fetch: fetchFunction, proxy, agent, ca } = options;
  const given = (['fetch', 'proxy', 'agent'] as const).filter((name) => options[name] !== undefined);
  if (given.length > 1) {
    fail(given[1] as string, `cannot be combined with ${given[0]}: each one decides how requests are sent`);
  }
  if (ca !== undefined && (fetchFunction !== undefined || agent !== undefined)) {
    fail(
      'ca',
      `cannot be combined with ${fetchFunction !== undefined ? 'fetch' : 'agent'}, which makes its own TLS connections: give it the CA instead`,
    );
  }
  if (fetchFunction !== undefined)
    return createFetchSender(checkFunction<FetchFunction>('fetch', fetchFunction));
  if (agent !== undefined && !(agent instanceof Agent)) {
    fail('agent', 'must be an http.Agent or https.Agent (or an object extending one)');
  }
  return createNodeHttpSender({
    agent,
    proxy: proxy === undefined ? undefined : checkProxyUrl(proxy),
    ca: ca === undefined ? undefined : resolveTrustedCa(ca),
  });
}

/** Validates every option eagerly, so a bad key path fails at startup rather than on the first payment. */
export function resolveOptions(options: WechatPayOptions): ClientContext {
  if (typeof options !== 'object' || options === null)
    fail('options', 'new WechatPay(options) needs an options object');
  const { mchid, serialNo } = options;
  if (typeof mchid !== 'string' || !/^[0-9]+$/.test(mchid)) {
    fail('mchid', `must be the merchant number (digits), got ${JSON.stringify(mchid)}`);
  }
  if (typeof serialNo !== 'string' || !/^[0-9A-Fa-f]+$/.test(serialNo)) {
    fail(
      'serialNo',
      `must be the merchant API certificate serial number (hex), got ${JSON.stringify(serialNo)}`,
    );
  }
  if (options.privateKey === undefined || options.privateKey === null) {
    fail(
      'privateKey',
      'is required: the merchant API private key (apiclient_key.pem) as PEM text, path, bytes or KeyObject',
    );
  }
  const privateKey = loadPrivateKey(options.privateKey, 'privateKey');

  const { apiV3Key } = options;
  if (
    apiV3Key !== undefined &&
    (typeof apiV3Key !== 'string' || Buffer.byteLength(apiV3Key, 'utf8') !== 32)
  ) {
    // Never echo the key itself.
    fail('apiV3Key', 'must be the 32-character APIv3 key set in the merchant platform');
  }
  const managedCertificates = resolveManaged(options, apiV3Key);
  const keyring = resolveKeyring(options, managedCertificates !== undefined);

  const baseUrl = options.baseUrl === undefined ? PRIMARY_BASE_URL : checkBaseUrl('baseUrl', options.baseUrl);
  let backupBaseUrl: string | false;
  if (options.backupBaseUrl === false) backupBaseUrl = false;
  else if (options.backupBaseUrl !== undefined)
    backupBaseUrl = checkBaseUrl('backupBaseUrl', options.backupBaseUrl);
  else backupBaseUrl = baseUrl === PRIMARY_BASE_URL ? BACKUP_BASE_URL : false;

  const timeoutMs =
    options.timeoutMs === undefined
      ? DEFAULT_TIMEOUT_MS
      : checkPositiveInteger('timeoutMs', options.timeoutMs);
  const deadlineMs =
    options.deadlineMs === undefined ? undefined : checkPositiveInteger('deadlineMs', options.deadlineMs);
  const now = options.now === undefined ? Date.now : checkFunction<() => number>('now', options.now);
  const sleep = options.sleep === undefined ? realSleep : checkFunction<Sleep>('sleep', options.sleep);
  const send = resolveSender(options);

  let userAgent = defaultUserAgent();
  if (options.userAgent !== undefined) {
    if (
      typeof options.userAgent !== 'string' ||
      options.userAgent.trim() === '' ||
      /[\r\n]/.test(options.userAgent)
    ) {
      fail('userAgent', 'must be a non-empty single-line string');
    }
    userAgent = options.userAgent;
  }

  const hooks = options.hooks ?? {};
  if (typeof hooks !== 'object' || hooks === null) fail('hooks', 'must be an object of callbacks');
  for (const [name, hook] of Object.entries(hooks)) {
    // A misspelt hook would otherwise be ignored without a word, and the logging it was meant for never happen.
    if (!Object.hasOwn(KNOWN_HOOKS, name)) {
      fail(`hooks.${name}`, `is not a known hook; the known ones are ${HOOK_NAMES.join(', ')}`);
    }
    if (hook !== undefined) checkFunction(`hooks.${name}`, hook);
  }

  return {
    mchid,
    serialNo,
    privateKey,
    keyring,
    managedCertificates,
    certificates: undefined,
    apiV3Key,
    baseUrl,
    backupBaseUrl,
    timeoutMs,
    deadlineMs,
    retry: resolveRetry(options.retry),
    limiter: resolveLimiter(options, now, sleep),
    userAgent,
    send,
    hooks,
    now,
    sleep,
  };
}

/** Per-call timeout override, checked like the client option. */
export function resolveCallTimeout(context: ClientContext, timeoutMs: number | undefined): number {
  return timeoutMs === undefined ? context.timeoutMs : checkPositiveInteger('timeoutMs', timeoutMs);
}

/** Per-call deadline override, checked like the client option. */
export function resolveCallDeadline(
  context: ClientContext,
  deadlineMs: number | undefined,
): number | undefined {
  return deadlineMs === undefined ? context.deadlineMs : checkPositiveInteger('deadlineMs', deadlineMs);
}
