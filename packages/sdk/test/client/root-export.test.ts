import * as sdk from '@wxpay-kit/sdk';
import { describe, expect, it } from 'vitest';

describe('@wxpay-kit/sdk root export', () => {
  it('exports the client, every error class, the catalogue, notifications and the token store', () => {
    for (const name of [
      'WechatPay',
      'WechatPayError',
      'WechatPayApiError',
      'WechatPaySignatureError',
      'WechatPayDecryptError',
      'WechatPayValidationError',
      'WechatPayConfigError',
      'WechatPayNetworkError',
      'WechatPayTimeoutError',
      'WechatPayAbortError',
      'WechatPayProtocolError',
      'operations',
      'parseNotification',
      'successReply',
      'failureReply',
      'MemoryTokenStore',
      'WechatPayCertificateError',
      'MemoryPlatformCertificateStore',
      'verifyCertificateDownload',
    ]) {
      expect(sdk, name).toHaveProperty(name);
    }
    expect(Object.keys(sdk.operations)).toContain('transferBills.partnerCancel');
    expect(
      new sdk.WechatPayApiError({
        status: 500,
        code: 'X',
        message: 'm',
        headers: {},
        body: '',
        method: 'GET',
        url: 'u',
      }),
    ).toBeInstanceOf(sdk.WechatPayError);
  });

  it('has named exports only', () => {
    expect('default' in sdk).toBe(false);
  });
});
