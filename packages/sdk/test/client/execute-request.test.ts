import { generateKeyPairSync } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OperationInput } from '../../src/catalogue/operations.js';
import { WechatPayPromise } from '../../src/client/response-promise.js';
import { WechatPay } from '../../src/client/wechat-pay.js';
import {
  WechatPayAbortError,
  WechatPayApiError,
  WechatPayDecryptError,
  WechatPayNetworkError,
  WechatPayProtocolError,
  WechatPaySignatureError,
  WechatPayTimeoutError,
} from '../../src/errors/index.js';
import { parseAuthorization, rsaOaepEncrypt } from '../../src/protocol/index.js';
import { createSelfSignedCertificate } from '../../src/testing/index.js';
import type { RetryEvent } from '../../src/transport/run-attempts.js';
import { closedPort } from '../support/closed-port.js';
import { FakeClock } from '../support/fake-clock.js';
import { cancelledBill } from '../support/seed-calls.js';
import { type Reply, SignedTestServer } from '../support/signed-test-server.js';
import { startTestServer, testClient, testClientOptions } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

let primary: SignedTestServer;
let backup: SignedTestServer;

const cancelInput = { out_bill_no: 'plfk2020042013', sub_mchid: '1900001121' };
const cancelled = { out_bill_no: 'plfk2020042013', state: 'CANCELING' };
const authorization = { out_authorization_no: 'plfk2020042013', state: 'CLOSED' };
const transferInput: OperationInput<'transferBills.partnerCreate'> = {
  sub_mchid: '1900001121',
  appid: 'wxf636efh567hg4356',
  out_bill_no: 'plfk2020042013',
  transfer_scene_id: '1000',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  transfer_amount: 400_000,
  transfer_remark: '新会员开通有礼',
  transfer_scene_report_infos: [
    { info_type: '活动名称', info_content: '新会员有礼' },
    { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
  ],
};

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

describe('retries', () => {
  it.each([429, 500, 502, 503])(
    'transferBills.partnerCancel retries %i with the same body and out_bill_no, signed afresh',
    async (status) => {
      primary.reply(
        { status, body: { code: 'SYSTEM_ERROR', message: 'busy' } },
        { status: 200, body: cancelled },
      );
      const clock = new FakeClock();
      const retries: RetryEvent[] = [];
      const wxpay = testClient(primary.baseUrl, clock, { hooks: { onRetry: (e) => retries.push(e) } });
      await expect(wxpay.transferBills.partnerCancel(cancelInput)).resolves.toEqual(cancelled);

      expect(primary.requests).toHaveLength(2);
      const [first, second] = primary.requests;
      expect(second?.url).toBe(first?.url);
      expect(second?.url).toContain('/out-bill-no/plfk2020042013/cancel');
      expect(second?.body).toBe(first?.body);
      expect(second?.body).toBe('{"sub_mchid":"1900001121"}');
      expect(primary.requests.every((r) => r.authFailure === undefined)).toBe(true);
      // Each attempt carries its own nonce (and timestamp), so it is a fresh signature over the same request.
      expect(parseAuthorization(String(second?.headers.authorization)).nonce_str).not.toBe(
        parseAuthorization(String(first?.headers.authorization)).nonce_str,
      );
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatchObject({ operation: 'transferBills.partnerCancel', attempt: 2 });
      expect(retries[0]?.error).toBeInstanceOf(WechatPayApiError);
      expect(clock.sleeps).toHaveLength(1);
    },
  );

  it('transferBills.partnerCancel gives up after the default 3 retries and throws the last error', async () => {
    primary.handler = () => ({ status: 503, body: { code: 'SYSTEM_ERROR', message: 'down' } });
    const clock = new FakeClock();
    const wxpay = testClient(primary.baseUrl, clock);
    await expect(wxpay.transferBills.partnerCancel(cancelInput)).rejects.toMatchObject({
      status: 503,
      code: 'SYSTEM_ERROR',
    });
    expect(primary.requests).toHaveLength(4);
    expect(clock.sleeps).toHaveLength(3);
    // Exponential ceiling with full jitter: 200, 400, 800 ms at most.
    for (const [i, delay] of clock.sleeps.entries()) expect(delay).toBeLessThan(200 * 2 ** i);
  });

  it('honours maxRetries', async () => {
    primary.handler = () => ({ status: 500, body: { code: 'SYSTEM_ERROR', message: 'down' } });
    const wxpay = testClient(primary.baseUrl, new FakeClock(), { retry: { maxRetries: 1 } });
    await expect(wxpay.transferBills.partnerCancel(cancelInput)).rejects.toMatchObject({ status: 500 });
    expect(primary.requests).toHaveLength(2);
  });

  it('waits the Retry-After of a 429', async () => {
    primary.reply(
      {
        status: 429,
        body: { code: 'FREQUENCY_LIMIT_EXCEED', message: 'slow down' },
        headers: { 'Retry-After': '2' },
      },
      { status: 200, body: cancelled },
    );
    const clock = new FakeClock();
    const wxpay = testClient(primary.baseUrl, clock, { rateLimit: false });
    await wxpay.transferBills.partnerCancel(cancelInput);
    expect(clock.sleeps).toEqual([2_000]);
  });

  it.each([400, 401, 403, 404])('transferBills.partnerCancel does not retry %i', async (status) => {
    primary.handler = () => ({ status, body: { code: 'NOPE', message: 'no' } });
    const wxpay = testClient(primary.baseUrl);
    await expect(wxpay.transferBills.partnerCancel(cancelInput)).rejects.toMatchObject({
      status,
      retryable: false,
    });
    expect(primary.requests).toHaveLength(1);
  });

  it('a client signing with the wrong key gets 401 SIGN_ERROR and does not retry', async () => {
    const wrong = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const wxpay = testClient(primary.baseUrl, new FakeClock(), { privateKey: wrong });
    await expect(wxpay.authorizations.get({ out_authorization_no: 'A1' })).rejects.toMatchObject({
      status: 401,
      code: 'SIGN_ERROR',
    });
    expect(primary.requests).toHaveLength(1);
    expect(primary.requests[0]?.authFailure).toBe('signature does not verify');
  });
});

describe('failover', () => {
  it('moves to the backup base URL when the primary refuses connections', async () => {
    backup.reply({ status: 200, body: cancelled });
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const retries: RetryEvent[] = [];
    const wxpay = testClient(refused, new FakeClock(), {
      backupBaseUrl: backup.baseUrl,
      hooks: { onRetry: (e) => retries.push(e) },
    });
    await expect(wxpay.transferBills.partnerCancel(cancelInput)).resolves.toEqual(cancelled);
    expect(retries[0]?.error).toBeInstanceOf(WechatPayNetworkError);
    expect(backup.requests).toHaveLength(1);
    expect(backup.requests[0]?.authFailure).toBeUndefined();
    expect(backup.requests[0]?.body).toBe('{"sub_mchid":"1900001121"}');
  });

  it('moves to the backup on a 5xx and stays there', async () => {
    primary.reply({ status: 502, body: { code: 'SYSTEM_ERROR', message: 'bad gateway' } });
    backup.reply(
      { status: 503, body: { code: 'SYSTEM_ERROR', message: 'busy' } },
      { status: 200, body: cancelled },
    );
    const wxpay = testClient(primary.baseUrl, new FakeClock(), { backupBaseUrl: backup.baseUrl });
    await wxpay.transferBills.partnerCancel(cancelInput);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(2);
  });

  it('does not fail over on a 429', async () => {
    primary.reply(
      { status: 429, body: { code: 'RATELIMIT_EXCEEDED', message: 'x' } },
      { status: 200, body: cancelled },
    );
    const wxpay = testClient(primary.baseUrl, new FakeClock(), { backupBaseUrl: backup.baseUrl });
    await wxpay.transferBills.partnerCancel(cancelInput);
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(0);
  });

  it('never fails over when backupBaseUrl is false', async () => {
    primary.reply(
      { status: 500, body: { code: 'SYSTEM_ERROR', message: 'x' } },
      { status: 200, body: cancelled },
    );
    const wxpay = testClient(primary.baseUrl, new FakeClock(), { backupBaseUrl: false });
    await wxpay.transferBills.partnerCancel(cancelInput);
    expect(primary.requests).toHaveLength(2);
  });

  it('does not fail over from a custom baseUrl unless a backup is given', async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const wxpay = testClient(refused, new FakeClock(), { retry: { maxRetries: 1 } });
    await expect(wxpay.authorizations.get({ out_authorization_no: 'A1' })).rejects.toBeInstanceOf(
      WechatPayNetworkError,
    );
  });
});

describe('timeouts and aborts', () => {
  it('authorizations.get times out per attempt and retries', async () => {
    primary.reply({ status: 200, hang: true }, { status: 200, body: authorization });
    const wxpay = testClient(primary.baseUrl, new FakeClock(), { timeoutMs: 100 });
    await expect(wxpay.authorizations.get({ out_authorization_no: 'plfk2020042013' })).resolves.toEqual(
      authorization,
    );
    expect(primary.requests).toHaveLength(2);
  });

  it('authorizations.get surfaces WechatPayTimeoutError when retries are off, using the per-call timeout', async () => {
    primary.handler = () => ({ status: 200, hang: true });
    const wxpay = testClient(primary.baseUrl, new FakeClock(), { retry: false });
    const failure = wxpay.authorizations.get({ out_authorization_no: 'plfk2020042013' }, { timeoutMs: 60 });
    await expect(failure).rejects.toBeInstanceOf(WechatPayTimeoutError);
    await expect(failure).rejects.toMatchObject({ timeoutMs: 60, retryable: true });
  });

  it('authorizations.close aborted before sending sends nothing', async () => {
    const wxpay = testClient(primary.baseUrl);
    await expect(
      wxpay.authorizations.close({ out_authorization_no: 'plfk2020042013' }, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(WechatPayAbortError);
    expect(primary.requests).toHaveLength(0);
  });

  it('authorizations.close aborted while waiting for the answer rejects at once and is not retried', async () => {
    primary.handler = () => ({ status: 200, hang: true });
    const controller = new AbortController();
    const wxpay = testClient(primary.baseUrl);
    const pending = wxpay.authorizations.close(
      { out_authorization_no: 'plfk2020042013' },
      { signal: controller.signal },
    );
    await expect.poll(() => primary.requests.length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(WechatPayAbortError);
    expect(primary.requests).toHaveLength(1);
  });

  it('an abort during the backoff stops further attempts', async () => {
    primary.handler = () => ({ status: 503, body: { code: 'SYSTEM_ERROR', message: 'x' } });
    const controller = new AbortController();
    const wxpay = testClient(primary.baseUrl, new FakeClock(), {
      hooks: { onRetry: () => controller.abort() },
    });
    await expect(
      wxpay.transferBills.partnerCancel(cancelInput, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(WechatPayAbortError);
    expect(primary.requests).toHaveLength(1);
  });
});

describe('rate limiting', () => {
  it('authorizations.close: the 51st close within one second waits for a token', async () => {
    primary.handler = () => ({ status: 200, body: authorization });
    const clock = new FakeClock();
    const started = clock.nowMs;
    const wxpay = testClient(primary.baseUrl, clock);
    const calls = Array.from({ length: 51 }, (_, i) =>
      wxpay.authorizations.close({ out_authorization_no: `A${i}` }),
    );
    await Promise.all(calls);
    expect(primary.requests).toHaveLength(51);
    // 50 per second, a full bucket at the start: exactly one wait, for the 20 ms one token takes to refill.
    expect(clock.sleeps).toEqual([20]);
    expect(clock.nowMs - started).toBe(20);
  });

  it('keeps operations in separate buckets', async () => {
    primary.handler = () => ({ status: 200, body: authorization });
    const clock = new FakeClock();
    const wxpay = testClient(primary.baseUrl, clock);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => wxpay.authorizations.close({ out_authorization_no: `A${i}` })),
    );
    await wxpay.authorizations.get({ out_authorization_no: 'A0' });
    expect(clock.sleeps).toEqual([]);
  });

  it('uses an injected TokenStore, keyed by mchid and operation', async () => {
    primary.reply({ status: 200, body: authorization });
    const keys: string[] = [];
    const wxpay = testClient(primary.baseUrl, new FakeClock(), {
      rateLimit: {
        store: {
          async take(key, rate, burst) {
            keys.push(`${key} ${rate}/${burst}`);
            return { ok: true };
          },
        },
      },
    });
    await wxpay.authorizations.close({ out_authorization_no: 'A1' });
    expect(keys).toEqual(['1900007291:authorizations.close 50/50']);
  });

  it('can be switched off', async () => {
    primary.handler = () => ({ status: 200, body: authorization });
    const clock = new FakeClock();
    const wxpay = testClient(primary.baseUrl, clock, { rateLimit: false });
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => wxpay.authorizations.close({ out_authorization_no: `A${i}` })),
    );
    expect(clock.sleeps).toEqual([]);
  });

  it('an abort while waiting for a token sends nothing more', async () => {
    primary.handler = () => ({ status: 200, body: authorization });
    const controller = new AbortController();
    const wxpay = testClient(primary.baseUrl, new FakeClock(), {
      sleep: async (_ms, signal) => {
        controller.abort();
        signal?.throwIfAborted();
      },
    });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => wxpay.authorizations.close({ out_authorization_no: `A${i}` })),
    );
    await expect(
      wxpay.authorizations.close({ out_authorization_no: 'A50' }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(WechatPayAbortError);
    expect(primary.requests).toHaveLength(50);
  });
});

describe('deadlineMs', () => {
  const deadlineMessage = (ms: number, attempts: number) =>
    `no response within the call's deadline of ${ms} ms after ${attempts} attempt(s)`;

  it('transferBills.partnerCancel: a 503 every time ends at the deadline, before the retries run out, with the 503 as cause', async () => {
    const clock = new FakeClock();
    // Each answer takes 1 000 ms of client time, so a second backoff (≥ 0 ms) can never end before 1 500 ms.
    primary.handler = () => {
      clock.advance(1_000);
      return { status: 503, body: { code: 'SYSTEM_ERROR', message: '系统错误' } };
    };
    const retries: RetryEvent[] = [];
    const wxpay = testClient(primary.baseUrl, clock, {
      deadlineMs: 1_500,
      hooks: { onRetry: (event) => retries.push(event) },
    });
    const error = await wxpay.transferBills.partnerCancel(cancelInput).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayTimeoutError);
    expect(error).toMatchObject({ retryable: true, timeoutMs: 1_500 });
    expect((error as Error).message).toContain(deadlineMessage(1_500, 2));
    expect((error as Error).cause).toBeInstanceOf(WechatPayApiError);
    expect((error as Error).cause).toMatchObject({ status: 503, code: 'SYSTEM_ERROR' });
    // Default maxRetries is 3 (4 attempts); the deadline stopped it after 2, and only 1 retry was announced.
    expect(primary.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
  });

  it('authorizations.close: a token wait longer than the deadline fails without sending', async () => {
    primary.handler = () => ({ status: 200, body: authorization });
    const clock = new FakeClock();
    const wxpay = testClient(primary.baseUrl, clock);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => wxpay.authorizations.close({ out_authorization_no: `A${i}` })),
    );
    // The next token is 20 ms away at 50/s.
    const failure = wxpay.authorizations.close({ out_authorization_no: 'A50' }, { deadlineMs: 10 });
    await expect(failure).rejects.toBeInstanceOf(WechatPayTimeoutError);
    await expect(failure).rejects.toThrow(deadlineMessage(10, 0));
    expect(primary.requests).toHaveLength(50);
    expect(clock.sleeps).toEqual([]);
    // A deadline the wait fits into still gets through.
    await expect(
      wxpay.authorizations.close({ out_authorization_no: 'A51' }, { deadlineMs: 1_000 }),
    ).resolves.toEqual(authorization);
    expect(clock.sleeps).toEqual([20]);
  });

  it('authorizations.get: a hanging server is cut at the deadline, not at timeoutMs', async () => {
    primary.handler = () => ({ status: 200, hang: true });
    const wxpay = testClient(primary.baseUrl, new FakeClock(), { timeoutMs: 10_000 });
    const started = performance.now();
    const error = await wxpay.authorizations
      .get({ out_authorization_no: 'plfk2020042013' }, { deadlineMs: 150 })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(WechatPayTimeoutError);
    expect((error as Error).message).toContain(deadlineMessage(150, 1));
    expect((error as Error).cause).toMatchObject({ timeoutMs: 150 });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(5_000);
    expect(primary.requests).toHaveLength(1);
  });

  it('a per-call deadlineMs replaces the client one', async () => {
    const clock = new FakeClock();
    primary.handler = () => {
      clock.advance(1_000);
      return { status: 503, body: { code: 'SYSTEM_ERROR', message: 'x' } };
    };
    const wxpay = testClient(primary.baseUrl, clock, { deadlineMs: 1_500 });
    await expect(wxpay.transferBills.partnerCancel(cancelInput, { deadlineMs: 600 })).rejects.toThrow(
      deadlineMessage(600, 1),
    );
    expect(primary.requests).toHaveLength(1);
  });

  it('request() honours deadlineMs too', async () => {
    const clock = new FakeClock();
    primary.handler = () => {
      clock.advance(1_000);
      return { status: 503, body: { code: 'SYSTEM_ERROR', message: 'x' } };
    };
    const wxpay = testClient(primary.baseUrl, clock);
    await expect(
      wxpay.request({ method: 'GET', path: '/v3/refund/domestic/refunds/R1', deadlineMs: 500 }),
    ).rejects.toThrow(deadlineMessage(500, 1));
    expect(primary.requests).toHaveLength(1);
  });

  it('without deadlineMs, a 503 every time uses every retry however long they take', async () => {
    const clock = new FakeClock();
    primary.handler = () => {
      clock.advance(60_000);
      return { status: 503, body: { code: 'SYSTEM_ERROR', message: 'x' } };
    };
    const wxpay = testClient(primary.baseUrl, clock);
    await expect(wxpay.transferBills.partnerCancel(cancelInput)).rejects.toBeInstanceOf(WechatPayApiError);
    expect(primary.requests).toHaveLength(4);
  });
});

describe('response verification', () => {
  it.each([
    ['badSignature', 'BAD_SIGNATURE'],
    ['probe', 'BAD_SIGNATURE'],
    ['missingSignature', 'MISSING_HEADER'],
    ['unknownSerial', 'UNKNOWN_SERIAL'],
    ['staleTimestamp', 'STALE_TIMESTAMP'],
  ] as const)(
    'authorizations.get rejects a %s response with %s and does not retry',
    async (forge, reason) => {
      primary.reply({ status: 200, body: authorization, forge });
      const errors: unknown[] = [];
      const wxpay = testClient(primary.baseUrl, new FakeClock(), {
        hooks: { onError: (e) => errors.push(e) },
      });
      const failure = await wxpay.authorizations
        .get({ out_authorization_no: 'plfk2020042013' })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(WechatPaySignatureError);
      expect(failure).toMatchObject({ reason });
      expect(primary.requests).toHaveLength(1);
      expect(errors).toEqual([failure]);
    },
  );

  it.each([
    ['a 200 with a forged signature', 200, 'badSignature', 'BAD_SIGNATURE'],
    ['a 204 without its signature headers', 204, 'missingSignature', 'MISSING_HEADER'],
  ] as const)(
    'names the answer of %s: its Request-ID and status, as an API error does',
    async (_what, status, forge, reason) => {
      primary.reply({ status, body: status === 204 ? undefined : authorization, forge });
      const wxpay = testClient(primary.baseUrl);
      const call =
        status === 204
          ? wxpay.authorizations.close({ out_authorization_no: 'plfk2020042013' })
          : wxpay.authorizations.get({ out_authorization_no: 'plfk2020042013' });
      const failure = (await call.catch((e: unknown) => e)) as WechatPaySignatureError;
      expect(failure).toBeInstanceOf(WechatPaySignatureError);
      expect(failure.requestId).toMatch(/^TEST-REQUEST-\d+$/);
      expect(failure).toMatchObject({ reason, status, retryable: false });
      expect(failure.message).toContain(`(HTTP ${status}, Request-ID ${failure.requestId})`);
      // The stack still starts where verification failed, under the new message.
      expect(failure.stack).toContain(failure.message);
      expect(failure.stack).toMatch(/verify-response/);
    },
  );

  it('a signature failure without a Request-ID says so rather than inventing one', async () => {
    primary.reply({ status: 200, body: authorization, forge: 'badSignature', headers: { 'Request-ID': '' } });
    const failure = (await testClient(primary.baseUrl)
      .authorizations.get({ out_authorization_no: 'plfk2020042013' })
      .catch((e: unknown) => e)) as WechatPaySignatureError;
    expect(failure).toMatchObject({ reason: 'BAD_SIGNATURE', status: 200 });
    expect(failure.message).toMatch(/Request-ID none\)$/);
  });

  it('rejects the WECHATPAY/SIGNTEST/ probe even on a 204', async () => {
    primary.reply({ status: 204, forge: 'probe' });
    const wxpay = testClient(primary.baseUrl);
    await expect(
      wxpay.authorizations.close({ out_authorization_no: 'plfk2020042013' }),
    ).rejects.toMatchObject({
      reason: 'BAD_SIGNATURE',
    });
  });

  it('rejects an unsigned 200', async () => {
    primary.reply({ status: 200, body: authorization, sign: false });
    const wxpay = testClient(primary.baseUrl);
    await expect(wxpay.authorizations.get({ out_authorization_no: 'plfk2020042013' })).rejects.toMatchObject({
      name: 'WechatPaySignatureError',
      reason: 'MISSING_HEADER',
    });
  });

  it('signs and verifies with the injected clock, not the machine clock', async () => {
    const ahead = () => Date.now() + 10 * 60_000;
    const future = await startTestServer(() => ({ status: 200, body: authorization }), ahead);
    try {
      // Both sides ten minutes ahead: the request timestamp and the response check must both use `now`.
      const inStep = testClient(future.baseUrl, new FakeClock(ahead()));
      await expect(inStep.authorizations.get({ out_authorization_no: 'A1' })).resolves.toEqual(authorization);
      const machineClock = testClient(future.baseUrl, new FakeClock(Date.now()), { retry: false });
      await expect(machineClock.authorizations.get({ out_authorization_no: 'A1' })).rejects.toMatchObject({
        status: 401,
      });
    } finally {
      await future.close();
    }
  });
});

describe('platform certificate validity', () => {
  const DAY = 86_400_000;
  const serial = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
  const keys = testKeys();
  const certificate = (serialNo: string, fromMs: number, toMs: number) =>
    createSelfSignedCertificate({
      privateKey: keys.platform.privateKey,
      serialNo,
      commonName: 'Tenpay.com Root CA',
      notBefore: new Date(fromMs),
      notAfter: new Date(toMs),
    });

  /** A server signing with the platform key under a certificate serial, on the given clock. */
  const certificateServer = (now: () => number, handler: () => Reply) =>
    SignedTestServer.start({
      merchant: {
        mchid: keys.merchant.mchid,
        serialNo: keys.merchant.serialNo,
        publicKey: keys.merchant.publicKey,
      },
      platform: { id: serial, privateKey: keys.platform.privateKey },
      now,
      handler,
    });

  const certificateClient = (baseUrl: string, clock: FakeClock, certificates: string[]) =>
    new WechatPay({
      ...testClientOptions(baseUrl, clock),
      wechatpayPublicKey: undefined,
      platformCertificates: certificates,
    });

  it('authorizations.get refuses a response signed under a certificate that expired by the client clock', async () => {
    const later = Date.now() + 2 * DAY;
    const server = await certificateServer(
      () => later,
      () => ({ status: 200, body: authorization }),
    );
    try {
      const valid = certificate(serial, Date.now() - DAY, Date.now() + DAY);
      // Valid by the machine clock: only the injected clock makes it expired.
      const failure = await certificateClient(server.baseUrl, new FakeClock(later), [valid])
        .authorizations.get({ out_authorization_no: 'A1' })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(WechatPaySignatureError);
      expect(failure).toMatchObject({ reason: 'UNKNOWN_SERIAL', serial });
      expect((failure as Error).message).toMatch(new RegExp(`${serial} expired at \\d{4}-`));
    } finally {
      await server.close();
    }
  });

  it('transferBills.partnerCreate encrypts with the newest certificate valid by the client clock', async () => {
    const server = await certificateServer(Date.now, () => ({ status: 200, body: {} }));
    try {
      const upcoming = certificate('22BB', Date.now() + DAY, Date.now() + 9 * DAY);
      const current = certificate(serial, Date.now() - DAY, Date.now() + DAY);
      const wxpay = certificateClient(server.baseUrl, new FakeClock(), [current, upcoming]);
      await wxpay.transferBills.partnerCreate({ ...transferInput, user_name: '张三' });
      expect(server.requests[0]?.headers['wechatpay-serial']).toBe(serial);
    } finally {
      await server.close();
    }
  });

  it('transferBills.partnerCreate sends nothing when every certificate has expired', async () => {
    const server = await certificateServer(Date.now, () => ({ status: 200, body: {} }));
    try {
      const old = certificate(serial, Date.now() - 9 * DAY, Date.now() - DAY);
      const wxpay = certificateClient(server.baseUrl, new FakeClock(), [old]);
      await expect(
        wxpay.transferBills.partnerCreate({ ...transferInput, user_name: '张三' }),
      ).rejects.toThrow(/no platform certificate is valid now/);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

describe('successful answers', () => {
  const bill = cancelledBill;

  it('transferBills.partnerCancel says the call succeeded when only decrypting user_name failed', async () => {
    // Encrypted for the platform key, so the merchant key cannot decrypt it.
    const body = JSON.stringify({
      ...bill,
      user_name: rsaOaepEncrypt('张三', testKeys().platform.publicKey),
    });
    primary.reply({ status: 200, body });
    const failure = await testClient(primary.baseUrl)
      .transferBills.partnerCancel(cancelInput)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WechatPayDecryptError);
    const error = failure as WechatPayDecryptError;
    expect(error.message).toMatch(
      /^transferBills\.partnerCancel: the call succeeded \(HTTP 200, Request-ID TEST-REQUEST-\d+\); only decrypting \/user_name failed: /,
    );
    expect(error.requestId).toMatch(/^TEST-REQUEST-\d+$/);
    expect(error.body).toBe(body);
    expect(error.retryable).toBe(false);
    expect(primary.requests).toHaveLength(1);
  });

  it('transferBills.partnerGet leaves an empty user_name alone: it is no value, not ciphertext', async () => {
    primary.reply({ status: 200, body: { ...bill, user_name: '' } });
    await expect(
      testClient(primary.baseUrl).transferBills.partnerGet({
        out_bill_no: 'plfk2020042013',
        sub_mchid: '1900001121',
      }),
    ).resolves.toEqual({ ...bill, user_name: '' });
  });

  it.each([
    ['a signed 204', { status: 204 }],
    ['a signed 200 with an empty body', { status: 200 }],
  ])('authorizations.close rejects %s: the row documents a JSON body', async (_what, reply) => {
    primary.reply(reply);
    const failure = await testClient(primary.baseUrl)
      .authorizations.close({ out_authorization_no: 'plfk2020042013' })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WechatPayProtocolError);
    expect(failure).toMatchObject({
      status: reply.status,
      requestId: expect.stringMatching(/^TEST-REQUEST-\d+$/),
      operation: 'authorizations.close',
      retryable: false,
    });
    expect((failure as Error).message).toMatch(
      new RegExp(
        `^authorizations\\.close documents a JSON response body, but the ${reply.status} answer had none ` +
          '\\(Request-ID TEST-REQUEST-\\d+\\); the call itself may have succeeded',
      ),
    );
    expect(primary.requests).toHaveLength(1);
  });

  it('cancelWithdraws.apply retries BIZ_ERR_NEED_RETRY, which its row documents as "retry later with the same request"', async () => {
    primary.reply(
      { status: 400, body: { code: 'BIZ_ERR_NEED_RETRY', message: '请稍后重试' } },
      { status: 200, body: { applyment_id: 'X1', out_request_no: 'CW1' } },
    );
    const input = { sub_mchid: '1900000109', out_request_no: 'CW1', withdraw: 'NOT_APPLY_WITHDRAW' as const };
    await expect(testClient(primary.baseUrl).cancelWithdraws.apply(input)).resolves.toEqual({
      applyment_id: 'X1',
      out_request_no: 'CW1',
    });
    expect(primary.requests).toHaveLength(2);
    expect(primary.requests[1]?.body).toBe(primary.requests[0]?.body);
  });
});

/** The Request-ID the test server gave its latest answer (it numbers them; the client must report that one). */
const requestIdPattern = /^TEST-REQUEST-\d+$/;

describe('what a successful call tells you', () => {
  it('await gives the body alone; .withResponse() on the same call adds status, headers and Request-ID', async () => {
    const body = cancelledBill;
    primary.reply({ status: 200, body, headers: { 'X-Extra': 'kept' } });
    const wxpay = testClient(primary.baseUrl);

    const call = wxpay.transferBills.partnerCancel(cancelInput);
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
    const answer = await wxpay.transferBills.partnerCancel(cancelInput).withResponse();
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
        .partnerCancel(cancelInput)
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
      .partnerCancel(cancelInput)
      .finally(() => {
        settled = true;
      })
      .catch((error: unknown) => error);
    expect(settled).toBe(true);
    expect(caught).toBeInstanceOf(WechatPayApiError);
  });
});
