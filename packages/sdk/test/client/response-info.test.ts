import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WechatPayPromise } from '../../src/client/response-promise.js';
import { WechatPayApiError } from '../../src/errors/index.js';
import { cancelledBill } from '../support/seed-calls.js';
import type { SignedTestServer } from '../support/signed-test-server.js';
import { startTestServer, testClient } from '../support/test-client.js';

let primary: SignedTestServer;
let backup: SignedTestServer;
const cancelInput = { out_bill_no: 'plfk2020042013', sub_mchid: '1900001121' };

beforeAll(async () => {
  primary = await startTestServer();
  backup = await startTestServer();
});

afterAll(async () => {
  await primary.close();
  await backup.close();
});

beforeEach(() => {
  primary.requests.length = 0;
  backup.requests.length = 0;
  primary.handler = () => ({ status: 500, body: { code: 'UNEXPECTED', message: 'no reply queued' } });
  backup.handler = primary.handler;
});

/** The Request-ID the test server gave its latest answer (it numbers them; the client must report that one). */
const requestIdPattern = /^TEST-REQUEST-\d+$/;

describe('what a successful call tells you', () => {
  it('await gives the body alone; .withResponse() on the same call adds status, headers and Request-ID', async () => {
    const body = cancelledBill;
    primary.reply({ status: 200, body, headers: { 'X-Extra': 'kept' } });
    const wxpay = testClient(primary.baseUrl);

    const call = wxpay.transferBills.cancel(cancelInput);
    expect(call).toBeInstanceOf(WechatPayPromise);
    expect(call).toBeInstanceOf(Promise);
    const data = await call;
    const answer = await call.withResponse();

    // One call, however many ways it is read.
    expect(primary.requests).toHaveLength(1);
    expect(data).toEqual(body);
    // Nothing is added to the body itself: it serialises exactly as the server sent it.
    expect(JSON.stringify(data)).toBe(JSON.stringify(body));
    expect(answer.data).toBe(data);
    expect(answer.status).toBe(200);
    expect(answer.requestId).toMatch(requestIdPattern);
    expect(answer.headers['request-id']).toBe(answer.requestId);
    expect(answer.headers['x-extra']).toBe('kept');
    expect(answer.headers['wechatpay-serial']).toMatch(/^PUB_KEY_ID_/);
    expect(Object.keys(answer.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(answer.url).toBe(
      `${primary.baseUrl}/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/plfk2020042013/cancel`,
    );
    expect(answer.attempts).toBe(1);
  });

  it('reports a 204 answer, which has no body to carry metadata', async () => {
    primary.reply({ status: 204 });
    const wxpay = testClient(primary.baseUrl);
    const answer = await wxpay.request({ method: 'POST', path: '/v3/x/close' }).withResponse();
    expect(answer.data).toBeUndefined();
    expect(answer.status).toBe(204);
    expect(answer.requestId).toMatch(requestIdPattern);
  });

  it('names the attempt that succeeded: its number and, after a failover, the backup URL', async () => {
    primary.reply({ status: 503, body: { code: 'SYSTEM_ERROR', message: 'busy' } });
    backup.reply({ status: 200, body: cancelledBill });
    const wxpay = testClient(primary.baseUrl, undefined, { backupBaseUrl: backup.baseUrl });
    const answer = await wxpay.transferBills.cancel(cancelInput).withResponse();
    expect(answer.attempts).toBe(2);
    expect(answer.url.startsWith(backup.baseUrl)).toBe(true);
    expect(backup.requests).toHaveLength(1);
    expect(answer.requestId).toMatch(requestIdPattern);
  });

  it('.withResponse() rejects with the call error, and using only it leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      primary.reply({ status: 404, body: { code: 'NOT_FOUND', message: '不存在' } });
      const wxpay = testClient(primary.baseUrl);
      const failure = await wxpay.transferBills
        .cancel(cancelInput)
        .withResponse()
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(WechatPayApiError);
      expect(failure).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      // Rejections are reported after the microtask queue drains.
      await nextMacrotask();
      await nextMacrotask();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('catch and finally read the call, not the placeholder the promise was built on', async () => {
    primary.reply({ status: 404, body: { code: 'NOT_FOUND', message: '不存在' } });
    const wxpay = testClient(primary.baseUrl);
    let settled = false;
    const caught = await wxpay.transferBills
      .cancel(cancelInput)
      .finally(() => {
        settled = true;
      })
      .catch((error: unknown) => error);
    expect(settled).toBe(true);
    expect(caught).toBeInstanceOf(WechatPayApiError);
  });
});
