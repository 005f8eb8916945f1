export { WechatPayAbortError } from './wechat-pay-abort-error.js';
export {
  type ApiErrorDetail,
  WechatPayApiError,
  type WechatPayApiErrorInit,
} from './wechat-pay-api-error.js';
export { type CertificateFailureReason, WechatPayCertificateError } from './wechat-pay-certificate-error.js';
export { WechatPayConfigError } from './wechat-pay-config-error.js';
export { type DecryptFailureReason, WechatPayDecryptError } from './wechat-pay-decrypt-error.js';
export { WechatPayError } from './wechat-pay-error.js';
export { WechatPayNetworkError } from './wechat-pay-network-error.js';
export { WechatPayProtocolError } from './wechat-pay-protocol-error.js';
export { type SignatureFailureReason, WechatPaySignatureError } from './wechat-pay-signature-error.js';
export { WechatPayTimeoutError } from './wechat-pay-timeout-error.js';
export { type ValidationLocation, WechatPayValidationError } from './wechat-pay-validation-error.js';
