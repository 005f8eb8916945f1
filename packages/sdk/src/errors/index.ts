export { WechatPayError } from './wechat-pay-error.js';
export { WechatPayApiError, type ApiErrorDetail, type WechatPayApiErrorInit } from './wechat-pay-api-error.js';
export { WechatPaySignatureError, type SignatureFailureReason } from './wechat-pay-signature-error.js';
export { WechatPayDecryptError, type DecryptFailureReason } from './wechat-pay-decrypt-error.js';
export { WechatPayValidationError, type ValidationLocation } from './wechat-pay-validation-error.js';
export { WechatPayConfigError } from './wechat-pay-config-error.js';
export { WechatPayNetworkError } from './wechat-pay-network-error.js';
export { WechatPayTimeoutError } from './wechat-pay-timeout-error.js';
export { WechatPayAbortError } from './wechat-pay-abort-error.js';
