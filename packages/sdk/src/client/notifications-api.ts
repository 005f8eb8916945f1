import { WechatPayConfigError } from '../errors/index.js';
import {
  failureReply,
  type NotificationEvent,
  type NotificationReply,
  parseNotification,
  successReply,
} from '../notifications/index.js';
import { type HeadersLike, unixSeconds } from '../protocol/index.js';
import type { ClientContext } from './resolve-options.js';

/** `wxpay.notifications`: notification handling bound to the client's keys, APIv3 key and clock. */
export interface WechatPayNotifications {
  /**
   * Verifies the signature over the raw body and decrypts the resource. Pass the body exactly as received
   * (string or Buffer), never a parsed object. Throws `WechatPaySignatureError` / `WechatPayDecryptError`:
   * answer those with `failureReply()` so WeChat Pay delivers again.
   */
  parse<T = unknown>(input: {
    headers: HeadersLike;
    body: string | Uint8Array;
  }): Promise<NotificationEvent<T>>;
  /** 200, empty body: the notification was handled. */
  successReply(): NotificationReply;
  /** 500 with `{"code":"FAIL","message":…}`: WeChat Pay will retry on its schedule. */
  failureReply(message?: string): NotificationReply;
}

export function createNotificationsApi(context: ClientContext): WechatPayNotifications {
  return Object.freeze({
    parse<T = unknown>(input: { headers: HeadersLike; body: string | Uint8Array }) {
      const { apiV3Key } = context;
      if (apiV3Key === undefined) {
        return Promise.reject(
          new WechatPayConfigError(
            'apiV3Key',
            'is needed to decrypt notifications: pass the 32-character APIv3 key to new WechatPay({ apiV3Key })',
          ),
        );
      }
      return parseNotification<T>({
        headers: input.headers,
        body: input.body,
        keyring: context.keyring,
        apiV3Key,
        now: unixSeconds(context.now()),
      });
    },
    successReply,
    failureReply,
  });
}
