import { WechatPayConfigError } from '../errors/index.js';
import {
  type CatalogueNotificationEvent,
  failureReply,
  type NotificationEvent,
  type NotificationReply,
  parseNotification,
  successReply,
} from '../notifications/index.js';
import { getHeader, type HeadersLike, unixSeconds } from '../protocol/index.js';
import type { ClientContext } from './resolve-options.js';

/**
 * The notification request as a web framework hands it over. `body` may be `undefined` (a framework that has not
 * kept the raw body): `parse` then rejects with `WechatPaySignatureError` `UNVERIFIABLE_BODY`, which says how to
 * keep it.
 */
export interface NotificationRequest {
  headers: HeadersLike;
  body: string | Uint8Array | undefined;
}

/** `wxpay.notifications`: notification handling bound to the client's keys, APIv3 key and clock. */
export interface WechatPayNotifications {
  /**
   * Verifies the signature over the raw body and decrypts the resource. Pass the body exactly as received
   * (string or Buffer), never a parsed object. Every failure is a `WechatPayError` (`WechatPaySignatureError`,
   * `WechatPayDecryptError`, `WechatPayConfigError`): answer it with `failureReply(error)` so WeChat Pay
   * delivers again.
   *
   * Without a type argument the result is the catalogue's union of documented events: narrow it with
   * `switch (event.event_type)`. Pass `parse<MyShape>()` for an event the catalogue does not describe.
   */
  parse(input: NotificationRequest): Promise<CatalogueNotificationEvent>;
  parse<T>(input: NotificationRequest): Promise<NotificationEvent<T>>;
  /** 200, empty body: the notification was handled. */
  successReply(): NotificationReply;
  /**
   * `{"code":"FAIL","message":"失败"}`, WeChat Pay retries on its schedule: 401 for the `WechatPaySignatureError`
   * you caught, 500 for anything else; a string instead of an error is sent as the message (with 500).
   */
  failureReply(errorOrMessage?: unknown): NotificationReply;
}

export function createNotificationsApi(context: ClientContext): WechatPayNotifications {
  const parse = (input: NotificationRequest) => {
    const { apiV3Key } = context;
    if (apiV3Key === undefined) {
      return Promise.reject(
        new WechatPayConfigError(
          'apiV3Key',
          'is needed to decrypt notifications: pass the 32-character APIv3 key to new WechatPay({ apiV3Key })',
        ),
      );
    }
    // Whatever a framework hands over (even nothing) reaches parseNotification, which names what is wrong.
    const { headers, body } = (
      typeof input === 'object' && input !== null ? input : {}
    ) as Partial<NotificationRequest>;
    const { certificates } = context;
    const serial = certificates && headers ? getHeader(headers, 'Wechatpay-Serial') : undefined;
    // Managed certificates: a notification under a serial not yet known triggers a download first.
    const ready = certificates?.prepare(serial) ?? Promise.resolve();
    return ready.then(() =>
      parseNotification({
        headers: headers as HeadersLike,
        body: body as string | Uint8Array,
        keyring: context.keyring,
        apiV3Key,
        now: unixSeconds(context.now()),
      }),
    );
  };
  // The overloads only describe the decrypted plaintext; the envelope is the same whatever the event.
  return Object.freeze({ parse: parse as WechatPayNotifications['parse'], successReply, failureReply });
}
