/**
 * `@wxpay-kit/sdk`: a typed WeChat Pay APIv3 client.
 *
 * ```ts
 * const wxpay = new WechatPay({ mchid, serialNo, privateKey, wechatpayPublicKey: { id, key } });
 * await wxpay.transferBills.partnerCancel({ out_bill_no, sub_mchid });
 * ```
 */

export {
  type DocumentedError,
  type FamilyName,
  isOperationName,
  type MerchantRole,
  type NotificationSpec,
  notifications,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type OperationSpec,
  operationNames,
  operations,
  type RateLimit,
  type SensitiveFields,
} from './catalogue/index.js';
export type { OpenedPlatformCertificate } from './certificates/certificate-download.js';
export { MemoryPlatformCertificateStore } from './certificates/memory-platform-certificate-store.js';
export type {
  PlatformCertificateEntry,
  PlatformCertificateRefreshLock,
  PlatformCertificateStore,
  StoredPlatformCertificates,
} from './certificates/platform-certificate-store.js';
export {
  type VerifyCertificateDownloadInput,
  verifyCertificateDownload,
} from './certificates/verify-certificate-download.js';
export type {
  FamilyMethods,
  FamilyName as ClientFamilyName,
  FamilyNamespaces,
  OperationMethod,
} from './client/build-families.js';
export type { WechatPayNotifications } from './client/notifications-api.js';
export type { GenericRequest, HttpMethod } from './client/prepare-generic.js';
export { type ResponseInfo, WechatPayPromise, type WithResponse } from './client/response-promise.js';
export { SDK_VERSION } from './client/sdk-version.js';
export type { TrustedCaInput } from './client/trusted-ca.js';
export { type DownloadedPlatformCertificate, WechatPay } from './client/wechat-pay.js';
export type {
  CallOptions,
  ManagedPlatformCertificates,
  RequestEvent,
  ResponseEvent,
  WechatPayHooks,
  WechatPayOptions,
} from './client/wechat-pay-options.js';
export {
  type ApiErrorDetail,
  type CertificateFailureReason,
  type DecryptFailureReason,
  type SignatureFailureReason,
  type ValidationLocation,
  WechatPayAbortError,
  WechatPayApiError,
  WechatPayCertificateError,
  WechatPayConfigError,
  WechatPayDecryptError,
  WechatPayError,
  WechatPayNetworkError,
  WechatPayProtocolError,
  WechatPaySignatureError,
  WechatPayTimeoutError,
  WechatPayValidationError,
} from './errors/index.js';
export {
  type CatalogueNotificationEvent,
  failureReply,
  type NotificationEvent,
  type NotificationReply,
  parseNotification,
  successReply,
} from './notifications/index.js';
export type { CertificateInput, KeyInput } from './protocol/index.js';
export { BACKUP_BASE_URL, PRIMARY_BASE_URL } from './transport/failover.js';
export { MemoryTokenStore } from './transport/memory-token-store.js';
export type { RetryOptions } from './transport/retry-policy.js';
export type { RetryEvent } from './transport/run-attempts.js';
export type { TokenStore, TokenTakeOptions, TokenTakeResult } from './transport/token-store.js';
