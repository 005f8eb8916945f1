import { generateKeyPairSync } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { buildApp, createRuntime } from '@wxpay-kit/emulator';
import { operations } from '@wxpay-kit/sdk';
import {
  AUTHORIZATION_SCHEME,
  loadPrivateKey,
  loadPublicKey,
  parseAuthorization,
  rsaOaepEncrypt,
  signRequest,
} from '@wxpay-kit/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import { expectApiError } from './support-b/api-error.js';
import { CONFIRM, PAYEE_SECRETS, withdrawApply } from './support-b/cancel-withdraw-requests.js';
import { outNo } from './support-b/out-no.js';
import { rawCall } from './support-b/raw-call.js';
import { rechargeApply } from './support-b/recharge-requests.js';

const APPLY_PATH = operations['recharges.apply'].path;
const CANCEL_APPLY_PATH = operations['cancelWithdraws.apply'].path;
const closePath = (no: string) => `/v3/platsolution/ecommerce/recharges/out-recharge-no/${no}/close`;

describe('bad input is answered with the documented error while the emulator keeps serving', () => {
  let h: E2eHarness;
  let sub: string;
  /** A recharge created up front: after every case, querying it must still work. */
  let known: string;

  beforeAll(async () => {
    h = await startE2e();
    sub = h.emulator.merchants.platform.subMchids[0]!;
    known = outNo('BK');
    await h.sdk.platform.recharges.apply(rechargeApply(sub, known));
  });
  afterEach(async () => {
    const still = await h.sdk.platform.recharges.get({ out_recharge_no: known, sub_mchid: sub });
    expect(still.recharge_state).toBe('RECHARGING');
  });
  afterAll(() => h?.close());

  /** Sends a body exactly as given (a string is not re-serialised) with the SDK's signing. */
  const send = (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: string | object,
    query?: Record<string, string>,
  ) => h.sdk.platform.request({ method, path, query, ...(body === undefined ? {} : { body }) });

  it('recharges.apply with malformed JSON → 400 PARAM_ERROR (location body)', async () => {
    const error = await expectApiError(send('POST', APPLY_PATH, '{"sub_mchid": "1",'), {
      status: 400,
      code: 'PARAM_ERROR',
      location: 'body',
    });
    expect(error.message).toContain('JSON');
  });

  it.each([
    ['a JSON array', '[]'],
    ['a JSON string', '"ECOMMERCE_DEPOSIT"'],
    ['a JSON number', '42'],
  ])('recharges.apply with %s as the body → 400 PARAM_ERROR', async (_what, body) => {
    const error = await expectApiError(send('POST', APPLY_PATH, body), {
      status: 400,
      code: 'PARAM_ERROR',
      location: 'body',
    });
    expect(error.detail?.issue).toMatch(/object/);
  });

  it('recharges.close with a body other than {} or empty → 400 PARAM_ERROR; {} and an empty body are accepted', async () => {
    const no = outNo('BC');
    await h.sdk.platform.recharges.apply(rechargeApply(sub, no));
    const error = await expectApiError(send('POST', closePath(no), { sub_mchid: sub }, { sub_mchid: sub }), {
      status: 400,
      code: 'PARAM_ERROR',
      location: 'body',
    });
    expect(error.detail?.issue).toContain('no body');
    expect((await h.sdk.platform.recharges.get({ out_recharge_no: no, sub_mchid: sub })).recharge_state).toBe(
      'RECHARGING',
    );
    expect(await send('POST', closePath(no), {}, { sub_mchid: sub })).toMatchObject({
      recharge_state: 'CLOSED',
    });
    expect(await send('POST', closePath(no), undefined, { sub_mchid: sub })).toMatchObject({
      recharge_state: 'CLOSED',
    });
  });

  it('recharges.apply with an unknown field → 400 PARAM_ERROR naming it', async () => {
    const error = await expectApiError(
      send('POST', APPLY_PATH, { ...rechargeApply(sub, outNo('BU')), recharge_note: 'x' }),
      { status: 400, code: 'PARAM_ERROR', field: '/recharge_note', location: 'body' },
    );
    expect(error.detail?.issue).toContain('not a field');
  });

  it.each([
    ['an encoded slash (%2F)', 'P2024/0001'],
    ['unicode', '注销申请单0001'],
    ['33 characters (the maximum is 32)', 'P'.repeat(33)],
    ['a hyphen', 'P2024-0001'],
  ])(
    'cancelWithdraws.get with %s in out_request_no → 400 PARAM_ERROR (location url)',
    async (_what, value) => {
      const error = await expectApiError(
        h.sdk.platform.request({
          method: 'GET',
          path: operations['cancelWithdraws.get'].path,
          params: { out_request_no: value },
        }),
        { status: 400, code: 'PARAM_ERROR', field: 'out_request_no', location: 'url' },
      );
      expect(error.detail?.value).toBe(value);
    },
  );

  // A path that is not valid percent-encoding is refused by Fastify's router before any hook; app.ts's
  // `frameworkErrors` turns that into an APIv3 answer.
  // Nothing was verified, so the answer is unsigned.
  it('cancelWithdraws.get with malformed percent-encoding in the path (%ZZ) → an unsigned 400 in APIv3 shape', async () => {
    const answer = await rawCall(h.emulator, 'platform', {
      method: 'GET',
      path: '/v3/ecommerce/account/apply-cancel-withdraw/out-request-no/P2024%ZZ',
    });
    expect(answer.status).toBe(400);
    expect(answer.json?.code).toBe('INVALID_REQUEST');
    expect(answer.headers['request-id']).toBeDefined();
    expect(answer.headers['wechatpay-signature']).toBeUndefined();
  });

  // recharge_amount/amount is 选填 in the catalogue (the apply page) but the emulator needs it (docs/fidelity.md).
  it.each([
    ['a top-level field', 'recharge_scene', '/recharge_scene'],
    ['a nested field', 'amount', '/recharge_amount/amount'],
  ])(
    'recharges.apply missing %s → 400 PARAM_ERROR with detail.field as its JSON pointer',
    async (_what, name, pointer) => {
      const body: Record<string, unknown> = structuredClone(rechargeApply(sub, outNo('BM')));
      if (name === 'amount') delete (body['recharge_amount'] as Record<string, unknown>)['amount'];
      else delete body[name];
      const error = await expectApiError(send('POST', APPLY_PATH, body), {
        status: 400,
        code: 'PARAM_ERROR',
        field: pointer,
        location: 'body',
      });
      expect(error.detail?.issue).toContain('required');
    },
  );

  it.each([
    ['a space instead of T', '2025-03-20 10:00:00+08:00'],
    ['no offset', '2025-03-20T10:00:00'],
    ['month 13', '2025-13-20T10:00:00+08:00'],
  ])('cancelWithdraws.confirm with confirm_time with %s → 400 PARAM_ERROR', async (_what, confirm_time) => {
    await expectApiError(
      send('POST', operations['cancelWithdraws.confirm'].path, {
        out_request_no: 'P202410241010125346',
        sub_mchid: sub,
        ...CONFIRM,
        confirm_time,
      }),
      { status: 400, code: 'PARAM_ERROR', field: '/confirm_time', location: 'body' },
    );
  });

  it('recharges.apply with a value outside an enum → 400 PARAM_ERROR listing the allowed values', async () => {
    const error = await expectApiError(
      send('POST', APPLY_PATH, { ...rechargeApply(sub, outNo('BE')), recharge_scene: 'ECOMMERCE_OTHER' }),
      { status: 400, code: 'PARAM_ERROR', field: '/recharge_scene', location: 'body' },
    );
    expect(error.detail?.issue).toContain('"ECOMMERCE_DEPOSIT"');
  });

  it('recharges.apply with the amount as a string → 400 PARAM_ERROR', async () => {
    await expectApiError(
      send('POST', APPLY_PATH, {
        ...rechargeApply(sub, outNo('BT')),
        recharge_amount: { amount: '10000', currency: 'CNY' },
      }),
      { status: 400, code: 'PARAM_ERROR', field: '/recharge_amount/amount', location: 'body' },
    );
  });

  describe('cancelWithdraws.apply with encrypted payee fields on the raw wire', () => {
    const platformKey = () => loadPublicKey(h.emulator.wechatpayPublicKey.pem);
    const encryptedApply = (no: string, encrypt: (plaintext: string) => string) => {
      const body = withdrawApply(sub, no);
      const bank = body.payee_info!.bank_account_info;
      bank.account_name = encrypt(bank.account_name);
      bank.account_number = encrypt(bank.account_number);
      return JSON.stringify(body);
    };

    it('without Wechatpay-Serial → 400 PARAM_ERROR (location header); the same body with it → accepted', async () => {
      const no = outNo('BS');
      const body = encryptedApply(no, (text) => rsaOaepEncrypt(text, platformKey()));
      const refused = await rawCall(h.emulator, 'platform', {
        method: 'POST',
        path: CANCEL_APPLY_PATH,
        body,
      });
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({
        code: 'PARAM_ERROR',
        detail: { field: 'Wechatpay-Serial', location: 'header' },
      });
      expect(refused.verified).toBe(true);
      const accepted = await rawCall(h.emulator, 'platform', {
        method: 'POST',
        path: CANCEL_APPLY_PATH,
        body,
        headers: { 'wechatpay-serial': h.emulator.wechatpayPublicKey.id },
      });
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.json).toEqual({ applyment_id: expect.stringMatching(/^\d+$/), out_request_no: no });
    });

    it('with a Wechatpay-Serial naming no key of the emulator → 400 PARAM_ERROR', async () => {
      const answer = await rawCall(h.emulator, 'platform', {
        method: 'POST',
        path: CANCEL_APPLY_PATH,
        body: encryptedApply(outNo('BW'), (text) => rsaOaepEncrypt(text, platformKey())),
        headers: { 'wechatpay-serial': 'PUB_KEY_ID_0000000000000000000000000000' },
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 'PARAM_ERROR', detail: { field: 'Wechatpay-Serial' } });
    });

    it('with plaintext where ciphertext is expected → 400 PARAM_ERROR naming the field; the plaintext is not echoed', async () => {
      const answer = await rawCall(h.emulator, 'platform', {
        method: 'POST',
        path: CANCEL_APPLY_PATH,
        body: JSON.stringify(withdrawApply(sub, outNo('BP'))),
        headers: { 'wechatpay-serial': h.emulator.wechatpayPublicKey.id },
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        code: 'PARAM_ERROR',
        detail: { field: '/payee_info/bank_account_info/account_name', location: 'body' },
      });
      for (const secret of Object.values(PAYEE_SECRETS)) expect(answer.text).not.toContain(secret);
    });

    it('with ciphertext made for another key → 400 PARAM_ERROR naming the field', async () => {
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
      const answer = await rawCall(h.emulator, 'platform', {
        method: 'POST',
        path: CANCEL_APPLY_PATH,
        body: encryptedApply(outNo('BX'), (text) => rsaOaepEncrypt(text, stranger)),
        headers: { 'wechatpay-serial': h.emulator.wechatpayPublicKey.id },
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        code: 'PARAM_ERROR',
        detail: { field: '/payee_info/bank_account_info/account_name' },
      });
    });
  });

  // Route matching comes before verification: these answers are unsigned, even to a signed request.
  it('an unknown route → 404 NOT_FOUND, unsigned', async () => {
    const error = await expectApiError(send('GET', '/v3/platsolution/ecommerce/recharges/unknown'), {
      status: 404,
      code: 'NOT_FOUND',
    });
    expect(error.headers['wechatpay-signature']).toBeUndefined();
    expect(error.requestId).toMatch(/\S/);
  });

  it('a wrong method on a known path → 405 with Allow, unsigned', async () => {
    const error = await expectApiError(
      send('DELETE', `/v3/platsolution/ecommerce/recharges/out-recharge-no/${known}`),
      { status: 405, code: 'METHOD_NOT_ALLOWED' },
    );
    expect(error.headers['allow']).toBe('GET');
    expect(error.headers['wechatpay-signature']).toBeUndefined();
  });

  it('a request without Authorization → 401 SIGN_ERROR, unsigned', async () => {
    const answer = await rawCall(h.emulator, 'platform', {
      method: 'GET',
      path: `/v3/platsolution/ecommerce/recharges/out-recharge-no/${known}?sub_mchid=${sub}`,
      authorization: null,
    });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({
      code: 'SIGN_ERROR',
      detail: { field: 'Authorization', location: 'header' },
    });
    expect(answer.headers['wechatpay-signature']).toBeUndefined();
  });

  it('an Authorization header with its attributes in a different order is accepted', async () => {
    const path = `/v3/platsolution/ecommerce/recharges/out-recharge-no/${known}?sub_mchid=${sub}`;
    const merchant = h.emulator.merchants.platform;
    const { authorization } = await signRequest({
      method: 'GET',
      url: path,
      body: '',
      mchid: merchant.mchid,
      serialNo: merchant.serialNo,
      privateKey: loadPrivateKey(merchant.privateKeyPem),
    });
    const parsed = parseAuthorization(authorization);
    const reordered = `${AUTHORIZATION_SCHEME} ${(
      ['signature', 'timestamp', 'serial_no', 'nonce_str', 'mchid'] as const
    )
      .map((name) => `${name}="${parsed[name]}"`)
      .join(',')}`;
    expect(reordered).not.toBe(authorization);
    const answer = await rawCall(h.emulator, 'platform', { method: 'GET', path, authorization: reordered });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ out_recharge_no: known, recharge_state: 'RECHARGING' });
    expect(answer.verified).toBe(true);
  });

  it('a 2 MB body → a clear 413 PARAM_ERROR, unsigned (refused before verification), not a crash', async () => {
    const body = JSON.stringify({ ...rechargeApply(sub, outNo('BH')), remark: 'x'.repeat(2 * 1024 * 1024) });
    const answer = await rawCall(h.emulator, 'platform', { method: 'POST', path: APPLY_PATH, body });
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringMatching(/too large/i) });
    expect(answer.headers['wechatpay-signature']).toBeUndefined();
  });
});

/** A control API call over a real socket with exactly the headers given (fetch would not send a foreign Host). */
function controlCall(
  emulator: E2eHarness['emulator'],
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${emulator.url}/_emulator${path}`,
      { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the control API', () => {
  it("guards every family's control actions from web pages: foreign Host, foreign Origin, non-JSON body", async () => {
    const h = await startE2e();
    try {
      const ordinary = h.emulator.merchants.ordinary;
      const no = outNo('GUARD');
      await h.sdk.ordinary.authorizations.apply({
        out_authorization_no: no,
        appid: ordinary.appid,
        openid: 'o-guard',
        transfer_scene_id: '1005',
        user_display_name: '张*',
        authorization_notify_url: h.receiver.url('ordinary'),
      });
      const confirm = `/authorizations/${ordinary.mchid}/${no}/confirm`;
      const platformSub = h.emulator.merchants.platform.subMchids[0]!;
      const refusals = [
        ['POST', confirm, { host: 'evil.example.com' }, '', 403],
        ['POST', confirm, { origin: 'https://evil.example.com' }, '', 403],
        ['POST', confirm, { 'content-type': 'text/plain' }, '{}', 415],
        [
          'GET',
          `/transfer-bills/balances/${h.emulator.merchants.serviceProvider.subMchids[0]}`,
          { host: 'evil.example.com' },
          '',
          403,
        ],
        [
          'POST',
          `/cancel-withdraws/balances/${platformSub}`,
          { 'content-type': 'text/plain' },
          '{"accounts":[]}',
          415,
        ],
        ['POST', `/recharges/${h.emulator.merchants.platform.mchid}/nope/pay`, { origin: 'null' }, '', 403],
      ] as const;
      for (const [method, path, headers, body, status] of refusals) {
        const answer = await controlCall(h.emulator, method, path, headers, body);
        expect(answer.status, `${method} ${path} ${JSON.stringify(headers)}: ${answer.text}`).toBe(status);
      }
      expect((await h.sdk.ordinary.authorizations.get({ out_authorization_no: no })).state).toBe(
        'WAIT_USER_CONFIRM',
      );
      const allowed = await controlCall(h.emulator, 'POST', confirm, { origin: h.emulator.url });
      expect(allowed.status, allowed.text).toBe(200);
      expect((await h.sdk.ordinary.authorizations.get({ out_authorization_no: no })).state).toBe(
        'TAKING_EFFECT',
      );
    } finally {
      await h.close();
    }
  });

  it('refuses a client that is not on loopback and answers one that is', async () => {
    const runtime = await createRuntime({ dataDir: ':memory:', families: [], clock: { mode: 'manual' } });
    const app = buildApp(runtime);
    try {
      for (const remoteAddress of ['10.1.2.3', '::ffff:192.168.1.20', '2001:db8::1']) {
        const refused = await app.inject({ method: 'GET', url: '/_emulator/clock', remoteAddress });
        expect(refused.statusCode, remoteAddress).toBe(403);
        expect(refused.json()).toMatchObject({
          code: 'FORBIDDEN',
          message: expect.stringContaining(remoteAddress),
        });
        // Nor can it change anything.
        const reset = await app.inject({ method: 'POST', url: '/_emulator/reset', remoteAddress });
        expect(reset.statusCode).toBe(403);
      }
      for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
        const answered = await app.inject({ method: 'GET', url: '/_emulator/clock', remoteAddress });
        expect(answered.statusCode, remoteAddress).toBe(200);
        expect(answered.json()).toMatchObject({ mode: 'manual' });
      }
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});
