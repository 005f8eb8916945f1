import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestEvent, ResponseEvent } from '../../src/client/wechat-pay-options.js';
import { WechatPaySignatureError } from '../../src/errors/index.js';
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
  it('transferBills.cancel reports request, retry and response without keys or the signature', async () => {
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
    await wxpay.transferBills.cancel({ out_bill_no: 'B1', sub_mchid: '1900001121' });

    expect(events.map(([kind]) => kind)).toEqual(['request', 'response', 'retry', 'request', 'response']);
    const firstRequest = events[0]?.[1] as RequestEvent;
    expect(firstRequest).toMatchObject({
      operation: 'transferBills.cancel',
      method: 'POST',
      url: `${server.baseUrl}/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/B1/cancel`,
      attempt: 1,
    });
    expect(firstRequest.headers.Authorization).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900007291",serial_no="408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",nonce_str="[0-9A-Za-z]{32}",timestamp="\d{10}",signature=\[REDACTED\]$/,
    );
    expect(events[1]?.[1]).toMatchObject({ operation: 'transferBills.cancel', status: 503, attempt: 1 });
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
});
