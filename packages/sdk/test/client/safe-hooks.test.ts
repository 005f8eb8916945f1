import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestEvent, ResponseEvent } from '../../src/client/wechat-pay-options.js';
import {
  WechatPayConfigError,
  WechatPaySignatureError,
  WechatPayValidationError,
} from '../../src/errors/index.js';
import { createSelfSignedCertificate } from '../../src/testing/index.js';
import type { RetryEvent } from '../../src/transport/run-attempts.js';
import { FakeClock } from '../support/fake-clock.js';
import type { SignedTestServer } from '../support/signed-test-server.js';
import { startTestServer, testClient } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

let server: SignedTestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.close());

const apiV3Key = '0123456789abcdef0123456789ABCDEF';

describe('hooks', () => {
  it('transferBills.partnerCancel reports request, retry and response without keys or the signature', async () => {
    server.reply(
      { status: 503, body: { code: 'SYSTEM_ERROR', message: 'busy' } },
      { status: 200, body: { out_bill_no: 'B1', state: 'CANCELING' } },
    );
    const events: Array<[string, unknown]> = [];
    const wxpay = testClient(server.baseUrl, new FakeClock(), {
      apiV3Key,
      hooks: {
        onRequest: (e: RequestEvent) => events.push(['request', e]),
        onResponse: (e: ResponseEvent) => events.push(['response', e]),
        onRetry: (e: RetryEvent) => events.push(['retry', e]),
        onError: (e: unknown) => events.push(['error', e]),
      },
    });
    await wxpay.transferBills.partnerCancel({ out_bill_no: 'B1', sub_mchid: '1900001121' });

    expect(events.map(([kind]) => kind)).toEqual(['request', 'response', 'retry', 'request', 'response']);
    const firstRequest = events[0]?.[1] as RequestEvent;
    expect(firstRequest).toMatchObject({
      operation: 'transferBills.partnerCancel',
      method: 'POST',
      url: `${server.baseUrl}/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/B1/cancel`,
      attempt: 1,
    });
    expect(firstRequest.headers.Authorization).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900007291",serial_no="408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",nonce_str="[0-9A-Za-z]{32}",timestamp="\d{10}",signature=\[REDACTED\]$/,
    );
    expect(events[1]?.[1]).toMatchObject({
      operation: 'transferBills.partnerCancel',
      status: 503,
      attempt: 1,
    });
    expect((events[1]?.[1] as ResponseEvent | undefined)?.requestId).toMatch(/^TEST-REQUEST-/);
    expect(events[4]?.[1]).toMatchObject({ status: 200, attempt: 2 });

    // Nothing secret anywhere in what the hooks saw.
    const sentSignatures = server.requests.map(
      (r) => /signature="([^"]+)"/.exec(String(r.headers.authorization))?.[1],
    );
    const seen = JSON.stringify(events.map(([, e]) => e));
    const keys = testKeys();
    for (const secret of [
      ...sentSignatures,
      apiV3Key,
      keys.merchant.privateKeyPem.split('\n')[1],
      keys.merchant.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().split('\n')[1],
    ]) {
      expect(secret).toBeTruthy();
      expect(seen).not.toContain(secret);
    }
  });

  it('calls onError once with the final error', async () => {
    server.reply({ status: 200, body: {}, forge: 'badSignature' });
    const errors: unknown[] = [];
    const wxpay = testClient(server.baseUrl, new FakeClock(), { hooks: { onError: (e) => errors.push(e) } });
    await expect(wxpay.authorizations.get({ out_authorization_no: 'A1' })).rejects.toBeInstanceOf(
      WechatPaySignatureError,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(WechatPaySignatureError);
  });

  it('ignores hooks that throw or reject', async () => {
    server.reply({ status: 200, body: { out_authorization_no: 'A1', state: 'CLOSED' } });
    const wxpay = testClient(server.baseUrl, new FakeClock(), {
      hooks: {
        onRequest: () => {
          throw new Error('logger down');
        },
        onResponse: (async () => {
          throw new Error('async logger down');
        }) as unknown as (e: ResponseEvent) => void,
      },
    });
    await expect(wxpay.authorizations.get({ out_authorization_no: 'A1' })).resolves.toMatchObject({
      state: 'CLOSED',
    });
  });

  it('passes a config or validation error to onError without any secret in it', async () => {
    const keys = testKeys();
    const identificationNo = '110101199003070000';
    const expiredCertificate = createSelfSignedCertificate({
      privateKey: keys.platform.privateKey,
      serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      commonName: 'Tenpay.com Root CA',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const errors: unknown[] = [];
    const wxpay = testClient(server.baseUrl, new FakeClock(), {
      apiV3Key,
      wechatpayPublicKey: undefined,
      platformCertificates: [expiredCertificate],
      hooks: { onError: (e) => errors.push(e) },
    });
    const payee = (identificationNoValue: unknown) => ({
      sub_mchid: '1900000109',
      out_request_no: 'CW1',
      withdraw: 'APPLY_WITHDRAW' as const,
      payee_info: {
        account_type: 'ACCOUNT_TYPE_PERSONAL' as const,
        bank_account_info: {
          account_name: '李四',
          account_bank: '招商银行',
          account_number: '6214830000000000',
        },
        identity_info: {
          id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD' as const,
          identification_name: '李四',
          identification_no: identificationNoValue as string,
        },
      },
    });
    // A validation error on the sensitive field itself, then a config error: no certificate is valid now.
    await expect(wxpay.cancelWithdraws.apply(payee(Number(identificationNo)))).rejects.toBeInstanceOf(
      WechatPayValidationError,
    );
    await expect(wxpay.cancelWithdraws.apply(payee(identificationNo))).rejects.toBeInstanceOf(
      WechatPayConfigError,
    );
    expect(errors).toHaveLength(2);

    const seen = errors.flatMap((e) => [JSON.stringify(e), String(e), String((e as Error).cause)]).join('\n');
    for (const secret of [
      identificationNo.slice(0, 12),
      '6214830000000000',
      apiV3Key,
      keys.merchant.privateKeyPem.split('\n')[1],
      keys.platform.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n')[1],
    ]) {
      expect(secret).toBeTruthy();
      expect(seen).not.toContain(secret);
    }
  });
});
