import { findNotificationSpec, type NotificationSpec, notificationList } from '@wxpay-kit/sdk/catalogue';

/** Seconds from the first delivery to the last retry of `spec`'s schedule (the sum of its delays). */
export function retryWindowSeconds(spec: NotificationSpec): number {
  return spec.retrySchedule.reduce((total, delay) => total + delay, 0);
}

/**
 * How long a claim must outlive the first delivery of `eventType`: the catalogue's retry schedule for it, or
 * the longest schedule in the catalogue when the type is unknown or not given. A record that expired earlier
 * would let a late redelivery run the work twice.
 */
export function claimWindowSeconds(eventType?: string): number {
  const spec = eventType === undefined ? undefined : findNotificationSpec(eventType);
  if (spec) return retryWindowSeconds(spec);
  return Math.max(...notificationList.map(retryWindowSeconds));
}
