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

function checkRawBody(body: unknown): void {
  if (typeof body === 'string' || body instanceof Uint8Array) return;
  if (body === undefined || body === null) {
    throw new TypeError('parseNotification: body is missing; pass the raw request body (string or Buffer)');
  }
  throw new TypeError(
    'parseNotification: body must be the raw request body (string or Buffer), not a parsed object: the signature ' +
      'covers the exact bytes WeChat Pay sent, which re-serialising cannot reproduce. Read the body as text ' +
      "(e.g. express.raw({ type: 'application/json' }), or fastify's addContentTypeParser with parseAs: 'string').",
  );
}

/**
 * Verifies a notification's signature over the raw body, then decrypts its resource. Throws
 * `WechatPaySignatureError` (answer with a failure so WeChat Pay re-delivers) or `WechatPayDecryptError`.
 */
export async function parseNotification<T = unknown>(
  input: ParseNotificationInput,
): Promise<NotificationEvent<T>> {
  checkRawBody(input.body);
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
