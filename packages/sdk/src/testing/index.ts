/**
 * `@wxpay-kit/sdk/testing`: helpers for your own tests (and the emulator) that play WeChat Pay's side: sign a
 * response, build a signed notification, issue a self-signed certificate, make a throw-away merchant.
 */
export {
  type BuildSignedNotificationInput,
  buildSignedNotification,
  formatChinaTime,
} from './build-signed-notification.js';
export { checkPlatformCertificateStore } from './check-platform-certificate-store.js';
export {
  createSelfSignedCertificate,
  type SelfSignedCertificateInput,
} from './create-self-signed-certificate.js';
export { generateTestMerchant, type TestMerchant } from './generate-test-merchant.js';
export { SIGNATURE_PROBE_PREFIX, type SignResponseInput, signResponse } from './sign-response.js';
