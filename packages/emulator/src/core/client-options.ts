import type { Credentials, MerchantCredentials } from './credentials.js';

/** Options for `new WechatPay(…)` (and similar clients) that point at this emulator. */
export interface EmulatorClientOptions {
  mchid: string;
  serialNo: string;
  /** PEM text of the merchant API private key. */
  privateKey: string;
  wechatpayPublicKey: { id: string; key: string };
  apiV3Key: string;
  baseUrl: string;
  /** The emulator has no backup domain. */
  backupBaseUrl: false;
}

export function clientOptionsFor(
  merchant: MerchantCredentials,
  credentials: Credentials,
  baseUrl: string,
): EmulatorClientOptions {
  return {
    mchid: merchant.mchid,
    serialNo: merchant.serialNo,
    privateKey: merchant.privateKeyPem,
    wechatpayPublicKey: { id: credentials.platform.publicKeyId, key: credentials.platform.publicKeyPem },
    apiV3Key: merchant.apiV3Key,
    baseUrl,
    backupBaseUrl: false,
  };
}
