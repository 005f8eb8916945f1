import { WechatPayDecryptError, WechatPayProtocolError, WechatPaySignatureError } from '../errors/index.js';
import { getHeader, type HeadersLike, rsaOaepDecrypt, signRequest, unixSeconds } from '../protocol/index.js';
import { verifySignedMessageSync } from '../protocol/verify-response.js';
import type { HttpResponse } from '../transport/http-exchange.js';
import { type AttemptContext, runAttempts } from '../transport/run-attempts.js';
import { apiErrorFromResponse } from './api-error-from-response.js';
import type { PreparedRequest } from './prepared-request.js';
import { redactHeaders } from './redact-authorization.js';
import { type ClientContext, resolveCallDeadline, resolveCallTimeout } from './resolve-options.js';
import type { WithResponse } from './response-promise.js';
import { callHook } from './safe-hooks.js';
import { transformAtPointers } from './sensitive-fields.js';
import type { CallOptions } from './wechat-pay-options.js';

function parseSuccessBody(
  context: ClientContext,
  prepared: PreparedRequest,
  response: HttpResponse,
): unknown {
  const requestId = response.headers['request-id'];
  if (response.status === 204 || response.body === '') {
    if (!prepared.expectsBody) return undefined;
    throw new WechatPayProtocolError({
      message:
        `${prepared.label} documents a JSON response body, but the ${response.status} answer had none ` +
        `(Request-ID ${requestId ?? 'none'}); the call itself may have succeeded, so query it before repeating it`,
      status: response.status,
      requestId,
      operation: prepared.operation,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch (cause) {
    throw new WechatPayProtocolError({
      message:
        `${prepared.label}: the ${response.status} answer verified but its body is not JSON ` +
        `(Request-ID ${requestId ?? 'none'})`,
      status: response.status,
      requestId,
      operation: prepared.operation,
      cause,
    });
  }
  if (prepared.responseSensitive.length === 0) return parsed;
  // Empty strings are "no value", not ciphertext.
  return transformAtPointers(parsed, prepared.responseSensitive, (text, pointer) => {
    if (text === '') return text;
    try {
      return rsaOaepDecrypt(text, context.privateKey);
    } catch (error) {
      if (!(error instanceof WechatPayDecryptError)) throw error;
      // Not a failed call: a write has taken effect, and repeating it is not what the caller should conclude.
      throw new WechatPayDecryptError(
        error.reason,
        `${prepared.label}: the call succeeded (HTTP ${response.status}, Request-ID ${requestId ?? 'none'}); ` +
          `only decrypting ${pointer} failed: ${error.message}`,
        error,
        { requestId, body: response.body },
      );
    }
  });
}

/**
 * Verifies a response or notification with the client's keyring; with managed certificates, first brings the
 * keyring up to date for the serial the message names (a download on first need or for an unknown serial).
 */
export async function verifyWithClientKeys(
  context: ClientContext,
  headers: HeadersLike,
  body: string | Uint8Array,
): Promise<void> {
  await context.certificates?.prepare(getHeader(headers, 'Wechatpay-Serial'));
  verifyWithKeyring(context, headers, body);
}

function verifyWithKeyring(context: ClientContext, headers: HeadersLike, body: string | Uint8Array): void {
  verifySignedMessageSync({ headers, body, keyring: context.keyring, now: unixSeconds(context.now()) });
}

/** The same failure, saying which answer it was: the `Request-ID` a support ticket to WeChat Pay quotes. */
function withAnswerDetails(error: WechatPaySignatureError, response: HttpResponse): WechatPaySignatureError {
  // An empty header is no Request-ID either.
  const requestId = response.headers['request-id'] || undefined;
  const named = new WechatPaySignatureError(
    error.reason,
    `${error.message} (HTTP ${response.status}, Request-ID ${requestId ?? 'none'})`,
    { header: error.header, serial: error.serial, requestId, status: response.status },
  );
  // Keep where the check failed, not where it was renamed.
  if (error.stack) named.stack = error.stack.replace(error.message, named.message);
  return named;
}

/**
 * The transport already lower-cased every name, so a lookup is one property read rather than a scan of all
 * headers per name (getHeader's path for plain records).
 */
function lowerCaseLookup(headers: Record<string, string>): { get(name: string): string | null } {
  return { get: (name) => headers[name.toLowerCase()] ?? null };
}

/** One attempt: sign afresh (new timestamp and nonce), send, then verify and decode a 2xx or raise the error. */
async function sendAttempt(
  context: ClientContext,
  prepared: PreparedRequest,
  attempt: AttemptContext,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<WithResponse<unknown>> {
  const { method, pathAndQuery, body } = prepared;
  const url = attempt.baseUrl + pathAndQuery;
  const signed = await signRequest({
    method,
    url: pathAndQuery,
    body,
    mchid: context.mchid,
    serialNo: context.serialNo,
    privateKey: context.privateKey,
    timestamp: unixSeconds(context.now()),
  });
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: signed.authorization,
    'User-Agent': context.userAgent,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // Name the verification key on every request, as the official SDKs do (wechatpay-java ≥ 0.2.16 sends the
  // public key id): the request's Wechatpay-Serial picks the key of the answer (public key or certificate).
  const serialHeader =
    prepared.wechatpaySerial ?? context.keyring.preferredSerial(unixSeconds(context.now()));
  if (serialHeader !== undefined) headers['Wechatpay-Serial'] = serialHeader;

  const { hooks } = context;
  // Events are built only for hooks that exist: the hot path pays nothing for observability it does not use.
  if (hooks.onRequest) {
    callHook(hooks, 'onRequest', {
      operation: prepared.label,
      method,
      url,
      attempt: attempt.attempt,
      headers: redactHeaders(headers),
    });
  }
  const started = hooks.onResponse ? performance.now() : 0;
  const response = await context.send(
    { method, url, headers, body },
    { timeoutMs: attempt.timeoutMs ?? timeoutMs, signal },
  );
  if (hooks.onResponse) {
    callHook(hooks, 'onResponse', {
      operation: prepared.label,
      status: response.status,
      requestId: response.headers['request-id'],
      durationMs: Math.round(performance.now() - started),
      attempt: attempt.attempt,
    });
  }

  if (response.status < 200 || response.status >= 300) {
    throw apiErrorFromResponse({ response, operation: prepared.operation, method, url });
  }
  // Fail closed: nothing from an unverified 2xx reaches the caller.
  try {
    if (prepared.verifyResponse) await prepared.verifyResponse(response, unixSeconds(context.now()));
    else if (context.certificates) {
      await verifyWithClientKeys(context, lowerCaseLookup(response.headers), response.bodyBytes);
    }
    // Fixed keys: nothing to wait for, so no extra turn of the microtask queue.
    else verifyWithKeyring(context, lowerCaseLookup(response.headers), response.bodyBytes);
  } catch (error) {
    throw error instanceof WechatPaySignatureError ? withAnswerDetails(error, response) : error;
  }
  return {
    data: parseSuccessBody(context, prepared, response),
    status: response.status,
    headers: response.headers,
    requestId: response.headers['request-id'],
    url,
    attempts: attempt.attempt,
  };
}

/** Runs a prepared call through rate limiting, retries and failover; resolves with the body and its answer's metadata. */
export function executeRequest(
  context: ClientContext,
  prepared: PreparedRequest,
  options: CallOptions,
): Promise<WithResponse<unknown>> {
  const timeoutMs = resolveCallTimeout(context, options.timeoutMs);
  const deadlineMs = resolveCallDeadline(context, options.deadlineMs);
  const { signal } = options;
  const rateLimit =
    context.limiter && prepared.ratePerSecond !== undefined
      ? {
          limiter: context.limiter,
          key: `${context.mchid}:${prepared.label}`,
          perSecond: prepared.ratePerSecond,
        }
      : undefined;
  return runAttempts({
    operation: prepared.label,
    method: prepared.method,
    urlFor: (baseUrl) => baseUrl + prepared.pathAndQuery,
    baseUrl: context.baseUrl,
    backupBaseUrl: context.backupBaseUrl,
    retry: context.retry,
    rateLimit,
    now: context.now,
    sleep: context.sleep,
    signal,
    timeoutMs,
    deadlineMs,
    onRetry: (event) => callHook(context.hooks, 'onRetry', event),
    send: (attempt) => sendAttempt(context, prepared, attempt, timeoutMs, signal),
  });
}
