/** Receiving WeChat Pay notifications: verify over the raw body, decrypt, and answer. */

export type { CatalogueNotificationEvent } from './catalogue-notification-event.js';
export { failureReply, type NotificationReply, successReply } from './notification-reply.js';
export {
  type NotificationEvent,
  type ParseNotificationInput,
  parseNotification,
} from './parse-notification.js';
