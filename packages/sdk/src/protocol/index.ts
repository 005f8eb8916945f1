/**
 * `@wxpay-kit/sdk/protocol`: the WeChat Pay APIv3 wire rules, one per file, with no I/O and no clock of their
 * own (time, nonces and keys are arguments), so the SDK and the emulator share one implementation.
 *
 * - signing: `buildRequestSignMessage` → `signSha256WithRsa` → `buildAuthorization` (or `signRequest` for all three);
 *   the emulator checks requests with `parseAuthorization` + `verifySha256WithRsa`.
 * - verifying: `verifySignedMessage` for responses and notifications, keys from a `PlatformKeyring`.
 * - encryption: `AEAD_AES_256_GCM` for notification resources and certificates, RSA-OAEP (SHA-1) for sensitive fields.
 * - JSON pointers: `parsePointer` / `escapePointerToken` / `formatPointer` / `getAtPointer`, for catalogue pointers.
 * - keys: `loadPrivateKey` / `loadPublicKey` / `loadCertificate` accept PEM text, paths, bytes or KeyObjects and
 *   raise `WechatPayConfigError` naming the input.
 */
export {
  AEAD_AES_256_GCM,
  type AeadInput,
  decryptAeadAes256Gcm,
  encryptAeadAes256Gcm,
} from './aead-aes-256-gcm.js';
export {
  AUTHORIZATION_SCHEME,
  type AuthorizationInput,
  buildAuthorization,
  type ParsedAuthorization,
  parseAuthorization,
  type SignedRequest,
  type SignRequestInput,
  signRequest,
} from './authorization-header.js';
export { AuthorizationParseError, type AuthorizationParseReason } from './authorization-parse-error.js';
export { buildQueryString, expandPath, type UrlValue } from './canonical-url.js';
export { getHeader, type HeadersLike } from './headers.js';
export { escapePointerToken, formatPointer, getAtPointer, parsePointer } from './json-pointer.js';
export {
  type CertificateInput,
  type KeyInput,
  type LoadedCertificate,
  loadCertificate,
  loadPrivateKey,
  loadPublicKey,
  normalizeSerial,
} from './keys.js';
export { generateNonce } from './nonce.js';
export {
  type NotificationEnvelope,
  type OpenNotificationInput,
  openNotification,
  type SealNotificationInput,
  sealNotification,
} from './notification-envelope.js';
export { PlatformKeyring, type PlatformKeyringOptions, PUBLIC_KEY_ID_PREFIX } from './platform-keyring.js';
export { randomBase64, randomUpperHex } from './random-pool.js';
export { rsaOaepDecrypt, rsaOaepEncrypt } from './rsa-oaep.js';
export {
  decodeBase64Strict,
  type SignInput,
  signSha256WithRsa,
  signSha256WithRsaSync,
  verifySha256WithRsa,
  verifySha256WithRsaSync,
} from './rsa-sha256.js';
export {
  buildRequestSignMessage,
  buildResponseSignMessage,
  type MessageBody,
  type RequestSignMessageInput,
  type ResponseSignMessageInput,
} from './sign-message.js';
export { unixSeconds } from './unix-seconds.js';
export { MAX_SKEW_SECONDS, type VerifySignedMessageInput, verifySignedMessage } from './verify-response.js';
