/**
 * `@wxpay-kit/redis`: Redis backends for `@wxpay-kit/sdk` when one merchant runs as many processes.
 *
 * ```ts
 * const client = await createClient({ url }).on('error', log).connect();
 * const wxpay = new WechatPay({ …, rateLimit: { store: new RedisTokenStore({ client }) } });
 * const claims = new RedisNotificationClaims({ client });
 * const certificates = new RedisPlatformCertificateStore({ client });
 * ```
 */
export { claimWindowSeconds, retryWindowSeconds } from './notification-retry-window.js';
export type { RedisCommandClient } from './redis-command-client.js';
export type { RedisHelperOptions } from './redis-helper-options.js';
export {
  type ClaimOutcome,
  type NotificationClaim,
  NotificationClaimLostError,
  type NotificationClaimPolicy,
  RedisNotificationClaims,
  type RedisNotificationClaimsOptions,
  type RunOnceOutcome,
} from './redis-notification-claims.js';
export {
  type PlatformCertificateStorePolicy,
  RedisPlatformCertificateStore,
  type RedisPlatformCertificateStoreOptions,
} from './redis-platform-certificate-store.js';
export { RedisTokenStore, type RedisTokenStoreOptions, type TokenStorePolicy } from './redis-token-store.js';
export {
  type RedisFailureReason,
  type RedisHelperName,
  RedisUnavailableError,
} from './redis-unavailable-error.js';
