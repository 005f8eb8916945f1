import type { WechatPayDecryptError, WechatPaySignatureError } from '@wxpay-kit/sdk';

/** Each verification failure in plain words: what was checked, and what usually causes it. */
export function explainSignatureFailure(error: WechatPaySignatureError): string[] {
  switch (error.reason) {
    case 'MISSING_HEADER':
      return [
        `the ${error.header ?? 'Wechatpay-*'} header is missing: WeChat Pay signs every answer and notification with ` +
          'Wechatpay-Signature, -Timestamp, -Nonce and -Serial; capture all response headers (curl -v or -D -)',
      ];
    case 'UNKNOWN_SERIAL':
      return [
        `no trusted key has serial ${error.serial ?? '(none)'}: a PUB_KEY_ID_… serial needs the WeChat Pay public ` +
          'key (--public-key-id/--public-key); a hex serial needs that platform certificate (wxpay-kit certs download)',
      ];
    case 'BAD_SIGNATURE':
      return [
        'the signature does not match the body: the body must be the exact bytes received (no reformatting, no ' +
          'added newline), and the key must be the one for the serial in Wechatpay-Serial',
        'a signature starting with WECHATPAY/SIGNTEST/ is a deliberate probe and must fail',
      ];
    case 'STALE_TIMESTAMP':
      return [
        'Wechatpay-Timestamp is more than 300 s from now: a replayed or old capture, or a wrong clock; ' +
          'use --at <unix seconds> to check a capture as of the time it was taken',
      ];
    case 'UNSUPPORTED_SIGNATURE_TYPE':
      return [
        'Wechatpay-Signature-Type is not WECHATPAY2-SHA256-RSA2048 (ShangMi signatures are not supported)',
      ];
    default:
      return [];
  }
}

export function explainDecryptFailure(error: WechatPayDecryptError): string[] {
  switch (error.reason) {
    case 'AUTHENTICATION_FAILED':
      return [
        'AES-256-GCM authentication failed: the APIv3 key is not the one set for this merchant, or the ciphertext, ' +
          'nonce or associated_data was altered',
      ];
    case 'BAD_KEY':
      return ['the APIv3 key must be exactly 32 bytes (商户平台 → API安全 → APIv3密钥)'];
    case 'INVALID_JSON':
      return ['the decrypted resource is not JSON'];
    case 'MALFORMED_INPUT':
      return [
        'resource.ciphertext or resource.nonce is not what WeChat Pay sends (Base64 ciphertext, 12-byte nonce)',
      ];
    case 'UNSUPPORTED_ALGORITHM':
      return ['resource.algorithm is not AEAD_AES_256_GCM'];
    default:
      return [];
  }
}
