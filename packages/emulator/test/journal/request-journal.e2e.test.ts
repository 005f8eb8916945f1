import { Writable } from 'node:stream';
import { loadPrivateKey, signRequest } from '@wxpay-kit/sdk/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from '../e2e/support/e2e-harness.js';
import { rawCall } from '../e2e/support-b/raw-call.js';
import { transferBillInput } from '../support/transfer-bill-input.js';

// The request journal over real HTTP: what a row holds, what it must never hold, the signature diagnosis of the
// usual client mistakes (each re-created here as a client would make it), the filters, and the log line.

const logLines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});

let h: E2eHarness;
beforeAll(async () => {
  h = await startE2e({ logger: pino({ level: 'info' }, sink) });
});
afterAll(() => h.close());

// biome-ignore lint/suspicious/noExplicitAny: journal rows are JSON the test reads field by field
async function journal(query = ''): Promise<any[]> {
  const res = await h.control('GET', `/requests${query}`);
  expect(res.status).toBe(200);
  return res.body.requests;
}

// biome-ignore lint/suspicious/noExplicitAny: as above
async function row(requestId: string): Promise<any> {
  const res = await h.control('GET', `/requests/${requestId}`);
  expect(res.status).toBe(200);
  return res.body;
}

const RECHARGE_GET = '/v3/platsolution/ecommerce/recharges/out-recharge-no/CZJOURNAL?sub_mchid=1900001121';

describe('request journal', () => {
  it('records an SDK call: operation, caller, status, times, masked bodies; never a key or a whole signature', async () => {
    const created = await h.sdk.serviceProvider.transferBills.partnerCreate(
      transferBillInput('JOURNAL1', { user_name: '张三' }),
    );
    const [summary] = await journal('?operation=transferBills.partnerCreate');
    expect(summary).toMatchObject({
      method: 'POST',
      url: '/v3/fund-app/mch-transfer/partner/transfer-bills',
      mchid: '1230000109',
      operation: 'transferBills.partnerCreate',
      status: 200,
      code: null,
      verification: 'verified',
      signature: null,
    });
    expect(summary.requestId).toMatch(/^[0-9A-F]{44}-0$/);
    expect(summary.time).toMatch(/Z$/);
    expect(summary.virtualTime).toMatch(/\+08:00$/);
    expect(summary.latencyMs).toBeGreaterThanOrEqual(0);
    expect(summary.request).toBeUndefined(); // bodies only in the full row

    const full = await row(summary.requestId);
    const sent = JSON.parse(full.request.body);
    expect(sent.user_name).toBe('***(sensitive, 344 chars)'); // the RSA-OAEP ciphertext is not kept
    expect(sent.out_bill_no).toBe('JOURNAL1');
    expect(JSON.parse(full.response.body).transfer_bill_no).toBe(created.transfer_bill_no);
    expect(full.response.signed).toBe(true);
    expect(full.request.headers.authorization).toMatch(/signature="[A-Za-z0-9+/]{8}…\(344 chars\)"/);

    const everything = JSON.stringify(await h.control('GET', '/requests?limit=500'));
    const fullText = JSON.stringify(full);
    const sp = h.emulator.merchants.serviceProvider;
    for (const text of [everything, fullText]) {
      expect(text).not.toContain(sp.apiV3Key);
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toMatch(/[A-Za-z0-9+/]{300,}/); // no signature or ciphertext in full
    }
  });

  it('answers 404 for an unknown Request-ID and 400 for a bad filter', async () => {
    expect((await h.control('GET', '/requests/NOPE-0')).status).toBe(404);
    const bad = await h.control('GET', '/requests?status=teapot');
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    expect((await h.control('GET', '/requests?colour=red')).body.message).toMatch(/unknown filter colour/);
  });
});

describe('answers refused before any handler', () => {
  // None of these reaches the API handler: the not-found handler, the route match, the router or the body parser
  // answers. Each is still one row, with the body as sent.
  it.each([
    ['an unknown path (404)', { method: 'GET', path: '/v3/no/such/path' }, 404, 'NOT_FOUND'],
    [
      'a wrong method on a known path (405)',
      { method: 'DELETE', path: '/v3/platsolution/ecommerce/recharges/out-recharge-no/CZ1' },
      405,
      'METHOD_NOT_ALLOWED',
    ],
    [
      'a path the router cannot decode (400, before any hook)',
      { method: 'GET', path: '/v3/ecommerce/account/apply-cancel-withdraw/out-request-no/P2024%ZZ' },
      400,
      'INVALID_REQUEST',
    ],
    [
      'a body over the limit (413)',
      {
        method: 'POST',
        path: '/v3/platsolution/ecommerce/recharges/apply',
        body: 'x'.repeat(2 * 1024 * 1024),
      },
      413,
      'PARAM_ERROR',
    ],
  ] as const)('%s', async (_name, call, status, code) => {
    const own = await startE2e();
    try {
      const answer = await rawCall(own.emulator, 'platform', call);
      expect(answer.status).toBe(status);
      const found = await own.control('GET', `/requests/${answer.headers['request-id']}`);
      expect(found.status).toBe(200);
      const full = found.body;
      expect(full).toMatchObject({
        method: call.method,
        url: call.path,
        status,
        code,
        verification: 'not-checked',
      });
      expect(full.response).toEqual({ body: answer.text, signed: false });
      expect(full.request.headers.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 .*…\(344 chars\)/);
    } finally {
      await own.close();
    }
  });
});

describe('signature diagnosis', () => {
  const refused = async (call: Parameters<typeof rawCall>[2], as: 'ordinary' | 'platform' = 'platform') => {
    const answer = await rawCall(h.emulator, as, call);
    expect(answer.status).toBe(401);
    const full = await row(answer.headers['request-id'] as string);
    expect(full.verification).toBe('failed');
    expect(full.code).toBe('SIGN_ERROR');
    return full.signature;
  };

  it('a URL signed without its query string', async () => {
    const diagnosis = await refused({
      method: 'GET',
      path: RECHARGE_GET,
      signed: { path: RECHARGE_GET.split('?')[0]! },
    });
    expect(diagnosis.failedCheck).toBe('SIGNATURE_MISMATCH');
    expect(diagnosis.likelyCause).toMatch(/without its query string/);
    expect(diagnosis.variantsTried).toContainEqual({
      variant: 'URL without its query string',
      verifies: true,
    });
    // What the emulator built: the URL with its query, line by line.
    expect(diagnosis.signMessage).toMatch(
      new RegExp(`^GET\\n${RECHARGE_GET.replace(/[?]/g, '\\?')}\\n\\d{10}\\n\\w+\\n\\n$`),
    );
    expect(diagnosis.signMessageSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(diagnosis.authorization).toMatchObject({
      mchid: '1900001109',
      serial_no: h.emulator.merchants.platform.serialNo,
    });
    expect(diagnosis.authorization.signature).toMatch(/…\(344 chars\)$/);
  });

  it('a body re-serialised after signing', async () => {
    const object = { sub_mchid: '1900001121', out_recharge_no: 'CZ1' };
    const diagnosis = await refused({
      method: 'POST',
      path: '/v3/platsolution/ecommerce/recharges/apply',
      body: JSON.stringify(object, null, 2),
      signed: { body: JSON.stringify(object) },
    });
    expect(diagnosis.failedCheck).toBe('SIGNATURE_MISMATCH');
    expect(diagnosis.likelyCause).toMatch(/re-serialised/);
    expect(diagnosis.variantsTried).toContainEqual({
      variant: 'body re-serialised as compact JSON',
      verifies: true,
    });
  });

  it('a private key that does not match the serial', async () => {
    const platform = h.emulator.merchants.platform;
    const signed = await signRequest({
      method: 'GET',
      url: RECHARGE_GET,
      body: '',
      mchid: platform.mchid,
      serialNo: platform.serialNo,
      privateKey: loadPrivateKey(h.emulator.merchants.ordinary.privateKeyPem),
    });
    const diagnosis = await refused({
      method: 'GET',
      path: RECHARGE_GET,
      authorization: signed.authorization,
    });
    expect(diagnosis.likelyCause).toMatch(/signed with the private key of ordinary \(1900000001\)/);
  });

  it('a signature over none of the usual mistakes says what else to compare', async () => {
    const diagnosis = await refused({
      method: 'GET',
      path: RECHARGE_GET,
      signed: { path: '/v3/something/else' },
    });
    expect(diagnosis.likelyCause).toMatch(/nor over any of the usual mistakes/);
    expect(diagnosis.variantsTried.every((v: { verifies: boolean }) => !v.verifies)).toBe(true);
  });

  it("another merchant's serial, a sub-merchant's mchid, a timestamp in milliseconds, no Authorization", async () => {
    const platform = h.emulator.merchants.platform;
    const { ordinary } = h.emulator.merchants;
    const attributes = (mchid: string, serial: string, timestamp: string | number) =>
      `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="N1",signature="c2ln",timestamp="${timestamp}",serial_no="${serial}"`;
    const now = Math.floor(Date.now() / 1000);

    const serial = await refused({
      method: 'GET',
      path: RECHARGE_GET,
      authorization: attributes(platform.mchid, ordinary.serialNo, now),
    });
    expect(serial.failedCheck).toBe('UNKNOWN_SERIAL');
    expect(serial.likelyCause).toMatch(/is the certificate of ordinary \(1900000001\)/);

    const publicKeyId = h.emulator.wechatpayPublicKey.id;
    const platformSerial = await refused({
      method: 'GET',
      path: RECHARGE_GET,
      authorization: attributes(platform.mchid, publicKeyId, now),
    });
    expect(platformSerial.likelyCause).toMatch(/WeChat Pay's own public key id/);

    const sub = await refused({
      method: 'GET',
      path: RECHARGE_GET,
      authorization: attributes('1900001121', platform.serialNo, now),
    });
    expect(sub.failedCheck).toBe('UNKNOWN_MCHID');
    expect(sub.likelyCause).toMatch(/sub-merchant of 1900001109/);

    const ms = await refused({
      method: 'GET',
      path: RECHARGE_GET,
      authorization: attributes(platform.mchid, platform.serialNo, Date.now()),
    });
    expect(ms.failedCheck).toBe('BAD_TIMESTAMP');
    expect(ms.likelyCause).toMatch(/in milliseconds/);

    const stale = await refused({
      method: 'GET',
      path: RECHARGE_GET,
      authorization: attributes(platform.mchid, platform.serialNo, now - 3600),
    });
    expect(stale.failedCheck).toBe('STALE_TIMESTAMP');
    expect(stale.likelyCause).toMatch(/360[01] s behind the wall clock/);

    const none = await refused({ method: 'GET', path: RECHARGE_GET, authorization: null });
    expect(none).toMatchObject({ failedCheck: 'MISSING_AUTHORIZATION' });
    expect(none.authorization).toBeUndefined();
  });
});

describe('filters, paging and the log line', () => {
  it('filters by merchant, operation, status, verification and time, and pages backwards', async () => {
    const before = new Date().toISOString();
    await h.sdk.platform.recharges
      .get({ out_recharge_no: 'NONE1', sub_mchid: '1900001121' })
      .catch(() => undefined);
    await h.sdk.platform.recharges
      .get({ out_recharge_no: 'NONE2', sub_mchid: '1900001121' })
      .catch(() => undefined);
    const recent = await journal(`?since=${encodeURIComponent(before)}`);
    expect(recent).toHaveLength(2);
    expect(recent.map((r) => r.url)).toEqual([
      '/v3/platsolution/ecommerce/recharges/out-recharge-no/NONE2?sub_mchid=1900001121',
      '/v3/platsolution/ecommerce/recharges/out-recharge-no/NONE1?sub_mchid=1900001121',
    ]);
    expect(recent[0]).toMatchObject({ status: 404, code: 'NOT_FOUND', mchid: '1900001109' });
    const earlier = await journal(`?until=${encodeURIComponent(before)}&operation=recharges.get`);
    expect(earlier.length).toBeGreaterThan(0);
    expect(earlier.every((r) => r.status === 401)).toBe(true); // the diagnosis tests' calls, not these two

    const failed = await journal('?verification=failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.status === 401 && r.signature.failedCheck)).toBe(true);
    expect(await journal('?status=401')).toEqual(failed);
    expect((await journal('?status=4xx')).length).toBe(failed.length + 2);
    expect((await journal('?mchid=1230000109')).map((r) => r.operation)).toEqual([
      'transferBills.partnerCreate',
    ]);

    const page1 = await h.control('GET', '/requests?limit=2');
    expect(page1.body.requests).toHaveLength(2);
    const page2 = await h.control('GET', `/requests?limit=2&before=${page1.body.next}`);
    expect(page2.body.requests[0].seq).toBeLessThan(page1.body.requests[1].seq);
    const last = await h.control('GET', '/requests?limit=500');
    expect(last.body.next).toBeNull();
    // Polling: what came after the newest row seen.
    const newest = page1.body.requests[0].seq;
    expect(await journal(`?after=${newest}`)).toEqual([]);
    expect((await journal(`?after=${newest - 1}`)).map((r) => r.seq)).toEqual([newest]);
  });

  it('writes one info line per API call, none for the control API', async () => {
    logLines.length = 0;
    await h.sdk.ordinary.authorizations.get({ out_authorization_no: 'LOGLINE' }).catch(() => undefined);
    await h.control('GET', '/clock');
    const lines = logLines.filter((line) => line.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      method: 'GET',
      url: '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/LOGLINE',
      mchid: '1900000001',
      operation: 'authorizations.get',
      status: 404,
      code: 'NOT_FOUND',
      verification: 'verified',
    });
    expect(lines[0]!.reqId).toMatch(/-0$/);
  });

  it('keeps at most maxRows rows', async () => {
    const small = await startE2e({ journal: { maxRows: 3 } });
    try {
      for (const n of [1, 2, 3, 4, 5]) {
        await small.sdk.ordinary.authorizations.get({ out_authorization_no: `B${n}` }).catch(() => undefined);
      }
      const rows = (await small.control('GET', '/requests')).body.requests;
      expect(rows.map((r: { url: string }) => r.url.split('/').at(-1))).toEqual(['B5', 'B4', 'B3']);
    } finally {
      await small.close();
    }
  });
});
