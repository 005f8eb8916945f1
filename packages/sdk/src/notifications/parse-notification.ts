import { WechatPayConfigError } from '../errors/wechat-pay-config-error.js';
import { WechatPaySignatureError } from '../errors/wechat-pay-signature-error.js';
import type { HeadersLike } from '../protocol/headers.js';
import { type NotificationEnvelope, openNotification } from '../protocol/notification-envelope.js';
import type { PlatformKeyring } from '../protocol/platform-keyring.js';
import { unixSeconds } from '../protocol/unix-seconds.js';

/** A verified, decrypted notification. `T` is the caller's expectation of the resource; it is not checked here. */
export interface NotificationEvent<T = unknown> {
  /** Same id on every redelivery: the deduplication key. */
  id: string;
  create_time: string;
  event_type: string;
  summary: string | undefined;
  resource_type: string;
  original_type: string | undefined;
  /** The decrypted `resource.ciphertext`. */
  resource: T;
  /** The envelope as received, ciphertext included. */
  envelope: NotificationEnvelope;
}

export interface ParseNotificationInput {
  /** The request headers as received (`Headers`, Node's `req.headers`, or a plain record). */
  headers: HeadersLike;
  /** The raw request body, string or bytes, exactly as received. */
  body: string | Uint8Array;
  keyring: PlatformKeyring;
  apiV3Key: string;
  /** Current time, Unix seconds; defaults to the system clock. */
  now?: number | undefined;
  maxSkewSeconds?: number | undefined;
}

const RAW_BODY_HINT =
  "read the body as text (e.g. express.raw({ type: 'application/json' }), fastify's addContentTypeParser with " +
  "parseAs: 'string', koa-body's includeUnparsed with ctx.request.rawBody, or await request.text())";

function unverifiable(message: string): WechatPaySignatureError {
  return new WechatPaySignatureError('UNVERIFIABLE_BODY', `parseNotification: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * What a web framework hands over when it is not set up for notifications: nothing, a parsed object, a stream.
 * Each is a verification failure with a reason, never a TypeError, so `failureReply(error)` answers it.
 */
function checkRequest(input: unknown): asserts input is ParseNotificationInput {
  if (!isObject(input)) {
    throw unverifiable('pass { headers, body } with the request headers and the raw body as received');
  }
  const { body, headers, keyring, now } = input;
  if (body === undefined || body === null) {
    throw unverifiable(`the body is missing: ${RAW_BODY_HINT}`);
  }
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw unverifiable(
      'the body must be the raw request body (string or Buffer), not a parsed object: the signature covers ' +
        `the exact bytes WeChat Pay sent, which re-serialising cannot reproduce; ${RAW_BODY_HINT}`,
    );
  }
  if (!isObject(headers)) {
    throw new WechatPaySignatureError(
      'MISSING_HEADER',
      'parseNotification: the request headers are missing; pass them as received (Wechatpay-* carry the signature)',
      { header: 'Wechatpay-Signature' },
    );
  }
  if (!isObject(keyring) || typeof keyring['find'] !== 'function') {
    throw new WechatPayConfigError('keyring', 'parseNotification needs the PlatformKeyring to verify with');
  }
  if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now) || now > 1e11)) {
    throw new WechatPayConfigError('now', `must be Unix seconds, got ${String(now)}`);
  }
}

/**
 * Verifies a notification's signature over the raw body, then decrypts its resource. Every failure is a
 * `WechatPayError`: `WechatPaySignatureError` (answer `failureReply(error)`, 401, so WeChat Pay re-delivers),
 * `WechatPayDecryptError` (an envelope that is not WeChat Pay's shape, or the wrong APIv3 key), or
 * `WechatPayConfigError` for a keyring or clock this function cannot use.
 */
export async function parseNotification<T = unknown>(
  input: ParseNotificationInput,
): Promise<NotificationEvent<T>> {
  checkRequest(input);
  const { envelope, resource } = await openNotification({
    headers: input.headers,
    body: input.body,
    keyring: input.keyring,
    apiV3Key: input.apiV3Key,
    now: input.now ?? unixSeconds(),
    maxSkewSeconds: input.maxSkewSeconds,
  });
  return {
    id: envelope.id,
    create_time: envelope.create_time,
    event_type: envelope.event_type,
    summary: envelope.summary,
    resource_type: envelope.resource_type,
    original_type: envelope.resource.original_type,
    resource: resource as T,
    envelope,
  };
}
