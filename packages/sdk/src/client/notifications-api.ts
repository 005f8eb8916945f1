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

/** `wxpay.notifications`: notification handling bound to the client's keys, APIv3 key and clock. */
export interface WechatPayNotifications {
  /**
   * Verifies the signature over the raw body and decrypts the resource. Pass the body exactly as received
   * (string or Buffer), never a parsed object. Throws `WechatPaySignatureError` / `WechatPayDecryptError`:
   * answer those with `failureReply()` so WeChat Pay delivers again.
   *
   * Without a type argument the result is the catalogue's union of documented events: narrow it with
   * `switch (event.event_type)`. Pass `parse<MyShape>()` for an event the catalogue does not describe.
   */
  parse(input: { headers: HeadersLike; body: string | Uint8Array }): Promise<CatalogueNotificationEvent>;
  parse<T>(input: { headers: HeadersLike; body: string | Uint8Array }): Promise<NotificationEvent<T>>;
  /** 200, empty body: the notification was handled. */
  successReply(): NotificationReply;
  /** 500 with `{"code":"FAIL","message":…}`: WeChat Pay will retry on its schedule. */
  failureReply(message?: string): NotificationReply;
}

export function createNotificationsApi(context: ClientContext): WechatPayNotifications {
  const parse = (input: { headers: HeadersLike; body: string | Uint8Array }) => {
    const { apiV3Key } = context;
    if (apiV3Key === undefined) {
      return Promise.reject(
        new WechatPayConfigError(
          'apiV3Key',
          'is needed to decrypt notifications: pass the 32-character APIv3 key to new WechatPay({ apiV3Key })',
        ),
      );
    }
    const { certificates } = context;
    const serial = certificates ? getHeader(input?.headers ?? {}, 'Wechatpay-Serial') : undefined;
    // Managed certificates: a notification under a serial not yet known triggers a download first.
    const ready = certificates?.prepare(serial) ?? Promise.resolve();
    return ready.then(() =>
      parseNotification({
        headers: input.headers,
        body: input.body,
        keyring: context.keyring,
        apiV3Key,
        now: unixSeconds(context.now()),
      }),
    );
  };
  // The overloads only describe the decrypted plaintext; the envelope is the same whatever the event.
  return Object.freeze({ parse: parse as WechatPayNotifications['parse'], successReply, failureReply });
}
