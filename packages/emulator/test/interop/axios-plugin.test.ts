import { formatTime, type RunningEmulator, startEmulator } from '@wxpay-kit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import {
  apiErrorOf,
  control,
  type Plugin,
  pluginFor,
  rejectionOf,
  segments,
  startNotifyReceiver,
  strangerKeys,
} from './plugin-support.js';
import { SeedPreconditions } from './seed-preconditions.js';

/**
 * The five seed operations driven through wechatpay-axios-plugin (npm), an independent APIv3 client: its own
 * request signing, its own URL building from chained segments, its own response-signature check. Nothing here
 * signs or verifies with wxpay-kit; the SDK only creates the resources the seed operations act on.
 */

let emulator: RunningEmulator;
let receiver: Awaited<ReturnType<typeof startNotifyReceiver>>;
let seeds: SeedPreconditions;
/** Verifies responses with the emulator's real WeChat Pay public key. */
let ordinary: Plugin;
let serviceProvider: Plugin;
let platform: Plugin;
/** The same merchants, but verifying responses with a public key that is not the emulator's. */
let ordinaryWrongKey: Plugin;
let serviceProviderWrongKey: Plugin;
let platformWrongKey: Plugin;
const stranger = strangerKeys();
/** An authorization that always exists, to show the emulator still answers after an error. */
const ALIVE = 'interopAlive0001';

// Each seed path as the plugin's README writes it: camelCase segments become kebab-case, `_name_` a parameter.
const authorization = (plugin: Plugin) =>
  segments(
    plugin,
    'v3.fundApp.mchTransfer.userConfirmAuthorization.outAuthorizationNo._out_authorization_no_',
  );
const authorizationClose = (plugin: Plugin) => segments(authorization(plugin), 'close');
const transferBillCancel = (plugin: Plugin) =>
  segments(plugin, 'v3.fundApp.mchTransfer.partner.transferBills.outBillNo._out_bill_no_.cancel');
const rechargeClose = (plugin: Plugin) =>
  segments(plugin, 'v3.platsolution.ecommerce.recharges.outRechargeNo._out_recharge_no_.close');
const cancelWithdrawConfirm = (plugin: Plugin) =>
  segments(plugin, 'v3.ecommerce.account.applyCancelWithdraw.confirm');

/** The plugin's error code when its own verifier finds that the response signature does not match its key. */
const SIGNATURE_MISMATCH = 'EV3_RES_HEADER_SIGNATURE_DIGEST';

async function expectStillServing(): Promise<void> {
  const { status, data } = await authorization(ordinary).get({ out_authorization_no: ALIVE });
  expect(status).toBe(200);
  expect(data).toMatchObject({ out_authorization_no: ALIVE, state: 'TAKING_EFFECT' });
}

function confirmBody(outRequestNo: string, subMchid: string, operator = 'platformOps001') {
  return {
    out_request_no: outRequestNo,
    sub_mchid: subMchid,
    operator_identification: operator,
    confirm_time: formatTime(emulator.clock.now() - 60_000),
    cancel_contract_version: 'V20241213',
  };
}

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:', clock: { mode: 'manual', start: Date.now() } });
  receiver = await startNotifyReceiver();
  seeds = new SeedPreconditions(emulator, receiver.url);
  const wrongCerts = { [emulator.wechatpayPublicKey.id]: stranger.publicKeyPem };
  ordinary = pluginFor(emulator, 'ordinary');
  serviceProvider = pluginFor(emulator, 'serviceProvider');
  platform = pluginFor(emulator, 'platform');
  ordinaryWrongKey = pluginFor(emulator, 'ordinary', { certs: wrongCerts });
  serviceProviderWrongKey = pluginFor(emulator, 'serviceProvider', { certs: wrongCerts });
  platformWrongKey = pluginFor(emulator, 'platform', { certs: wrongCerts });
  await seeds.confirmedAuthorization(ALIVE);
});

afterAll(async () => {
  await emulator?.close();
  await receiver?.close();
});

describe('the five seed operations through wechatpay-axios-plugin', () => {
  it('authorizations.get answers a confirmed authorization, and the plugin verified its signature', async () => {
    await seeds.confirmedAuthorization('interopGet0001');

    const response = await authorization(ordinary).get({ out_authorization_no: 'interopGet0001' });

    expect(response.status).toBe(200);
    expect(response.headers['wechatpay-serial']).toBe(emulator.wechatpayPublicKey.id);
    expect(response.data).toMatchObject({
      out_authorization_no: 'interopGet0001',
      appid: emulator.merchants.ordinary.appid,
      state: 'TAKING_EFFECT',
      authorization_id: expect.stringMatching(/^\d{27}$/),
      authorize_time: expect.stringMatching(/\+08:00$/),
    });
    const unverifiable = await rejectionOf(
      authorization(ordinaryWrongKey).get({ out_authorization_no: 'interopGet0001' }),
    );
    expect(unverifiable.code).toBe(SIGNATURE_MISMATCH);
    expect(unverifiable.response?.status).toBe(200);
  });

  it('authorizations.close closes it with CLOSE_VIA_MCH_API, whether the plugin sends {} or no body', async () => {
    await seeds.confirmedAuthorization('interopClose0001');

    const withEmptyObject = await authorizationClose(ordinary).post(
      {},
      { out_authorization_no: 'interopClose0001' },
    );

    expect(withEmptyObject.status).toBe(200);
    expect(withEmptyObject.config.data).toBe('{}');
    expect(withEmptyObject.data).toMatchObject({
      out_authorization_no: 'interopClose0001',
      state: 'CLOSED',
      close_info: { close_reason: 'CLOSE_VIA_MCH_API', close_time: expect.stringMatching(/\+08:00$/) },
    });
    // Repeating the close is answered with the closed record; this time the plugin sends no body at all.
    const withoutBody = await authorizationClose(ordinary).post(undefined, {
      out_authorization_no: 'interopClose0001',
    });
    expect(withoutBody.config.data).toBeUndefined();
    expect(withoutBody.data).toEqual(withEmptyObject.data);
    const unverifiable = await rejectionOf(
      authorizationClose(ordinaryWrongKey).post({}, { out_authorization_no: 'interopClose0001' }),
    );
    expect(unverifiable.code).toBe(SIGNATURE_MISMATCH);
  });

  it('transferBills.partnerCancel accepts the cancellation of a bill waiting for the user (CANCELING)', async () => {
    const { sub_mchid } = await seeds.billWaitingForUser('interopBill0001');

    const response = await transferBillCancel(serviceProvider).post(
      { sub_mchid },
      { out_bill_no: 'interopBill0001' },
    );

    expect(response.status).toBe(200);
    expect(response.config.data).toBe(JSON.stringify({ sub_mchid }));
    expect(response.data).toMatchObject({
      sub_mchid,
      mchid: emulator.merchants.serviceProvider.mchid,
      out_bill_no: 'interopBill0001',
      transfer_bill_no: expect.any(String),
      state: 'CANCELING',
      transfer_amount: 400,
    });
    expect(await seeds.billState('interopBill0001', sub_mchid)).toBe('CANCELING');
    const unverifiable = await rejectionOf(
      transferBillCancel(serviceProviderWrongKey).post({ sub_mchid }, { out_bill_no: 'interopBill0001' }),
    );
    expect(unverifiable.code).toBe(SIGNATURE_MISMATCH);
  });

  it('recharges.close closes a RECHARGING recharge, with sub_mchid in the signed query string', async () => {
    const { sub_mchid } = await seeds.rechargingRecharge('interopRecharge0001');

    const response = await rechargeClose(platform).post(
      {},
      {
        out_recharge_no: 'interopRecharge0001',
        params: { sub_mchid },
      },
    );

    expect(response.status).toBe(200);
    expect(response.request.path).toBe(
      `/v3/platsolution/ecommerce/recharges/out-recharge-no/interopRecharge0001/close?sub_mchid=${sub_mchid}`,
    );
    expect(response.data).toMatchObject({
      sp_mchid: emulator.merchants.platform.mchid,
      sub_mchid,
      out_recharge_no: 'interopRecharge0001',
      recharge_state: 'CLOSED',
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      account_type: 'DEPOSIT',
      recharge_amount: { amount: 10_000, currency: 'CNY' },
      close_time: expect.stringMatching(/\+08:00$/),
    });
    const unverifiable = await rejectionOf(
      rechargeClose(platformWrongKey).post(
        {},
        { out_recharge_no: 'interopRecharge0001', params: { sub_mchid } },
      ),
    );
    expect(unverifiable.code).toBe(SIGNATURE_MISMATCH);
  });

  it('cancelWithdraws.confirm confirms an application WAITING_MERCHANT_CONFIRM for the sub-merchant', async () => {
    const { sub_mchid, applyment_id } = await seeds.acceptedCancelWithdraw(
      'interopCancel0001',
      emulator.merchants.platform.subMchids[1]!,
    );
    await seeds.passReview('interopCancel0001');
    const body = confirmBody('interopCancel0001', sub_mchid);

    const response = await cancelWithdrawConfirm(platform).post(body);

    expect(response.status).toBe(200);
    expect(response.data).toEqual({ applyment_id, sub_mchid, out_request_no: 'interopCancel0001' });
    expect(await seeds.cancelWithdrawState('interopCancel0001')).toBe('SYSTEM_PROCESSING');
    // The page documents repeating the same confirmation as a success; the wrong key must still refuse it.
    const unverifiable = await rejectionOf(cancelWithdrawConfirm(platformWrongKey).post(body));
    expect(unverifiable.code).toBe(SIGNATURE_MISMATCH);
    expect(unverifiable.response?.status).toBe(200);
  });
});

describe('the plugin’s own signing and verification against the emulator', () => {
  it('the emulator accepts the plugin’s Authorization attribute order (serial_no before timestamp)', async () => {
    const response = await authorization(ordinary).get({ out_authorization_no: ALIVE });
    const { mchid, serialNo } = emulator.merchants.ordinary;
    expect(String(response.config.headers.Authorization)).toMatch(
      new RegExp(
        `^WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",serial_no="${serialNo}",timestamp="\\d{10}",` +
          'nonce_str="[0-9A-Za-z]{32}",signature="[A-Za-z0-9+/]+={0,2}"$',
      ),
    );
  });

  it('the plugin refuses a response whose Wechatpay-Serial names a key it does not hold', async () => {
    const otherSerialOnly = pluginFor(emulator, 'ordinary', {
      certs: { PUB_KEY_ID_0000000000000000000000000000000000: emulator.wechatpayPublicKey.pem },
    });
    const error = await rejectionOf(authorization(otherSerialOnly).get({ out_authorization_no: ALIVE }));
    expect(error.code).toBe('EV3_RES_HEADER_PLATFORM_SERIAL');
    expect(error.message).toContain(emulator.wechatpayPublicKey.id);
  });

  it('the plugin refuses the emulator’s signature probes (WECHATPAY/SIGNTEST/)', async () => {
    await control(emulator, 'settings', { probe: { enabled: true, fraction: 1 } });
    try {
      const error = await rejectionOf(authorization(ordinary).get({ out_authorization_no: ALIVE }));
      expect(error.code).toBe(SIGNATURE_MISMATCH);
      expect(error.response?.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
    } finally {
      await control(emulator, 'settings', { probe: false });
    }
    await expectStillServing();
  });
});

describe('documented errors through wechatpay-axios-plugin', () => {
  it('authorizations.get of an unknown out_authorization_no: 404 NOT_FOUND', async () => {
    const error = await apiErrorOf(
      authorization(ordinary).get({ out_authorization_no: 'interopMissing0001' }),
    );
    expect(error).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: expect.stringContaining('免确认收款授权不存在'),
    });
    await expectStillServing();
  });

  it('authorizations.close of an unknown out_authorization_no: 404 NOT_FOUND', async () => {
    const error = await apiErrorOf(
      authorizationClose(ordinary).post({}, { out_authorization_no: 'interopMissing0002' }),
    );
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expectStillServing();
  });

  it('transferBills.partnerCancel of an unknown out_bill_no: 404 NOT_FOUND', async () => {
    const sub_mchid = emulator.merchants.serviceProvider.subMchids[0]!;
    const error = await apiErrorOf(
      transferBillCancel(serviceProvider).post({ sub_mchid }, { out_bill_no: 'interopMissing0003' }),
    );
    expect(error).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: expect.stringContaining('转账单不存在'),
    });
    await expectStillServing();
  });

  it('recharges.close of an unknown out_recharge_no: 404 NOT_FOUND', async () => {
    const sub_mchid = emulator.merchants.platform.subMchids[0]!;
    const error = await apiErrorOf(
      rechargeClose(platform).post({}, { out_recharge_no: 'interopMissing0004', params: { sub_mchid } }),
    );
    expect(error).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: expect.stringContaining('充值单不存在'),
    });
    await expectStillServing();
  });

  it('cancelWithdraws.confirm of an unknown out_request_no: 404 NOT_FOUND', async () => {
    const sub_mchid = emulator.merchants.platform.subMchids[1]!;
    const error = await apiErrorOf(
      cancelWithdrawConfirm(platform).post(confirmBody('interopMissing0005', sub_mchid)),
    );
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expectStillServing();
  });

  it('transferBills.partnerCancel with a malformed out_bill_no: 400 PARAM_ERROR naming out_bill_no', async () => {
    const sub_mchid = emulator.merchants.serviceProvider.subMchids[0]!;
    const error = await apiErrorOf(
      transferBillCancel(serviceProvider).post({ sub_mchid }, { out_bill_no: 'bad_bill-no' }),
    );
    expect(error).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: 'out_bill_no', value: 'bad_bill-no', location: 'url' },
    });
    await expectStillServing();
  });

  it('recharges.close without the sub_mchid query parameter: 400 PARAM_ERROR naming sub_mchid', async () => {
    const error = await apiErrorOf(
      rechargeClose(platform).post({}, { out_recharge_no: 'interopRecharge0002' }),
    );
    expect(error).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: 'sub_mchid', location: 'query' },
    });
    await expectStillServing();
  });

  it('cancelWithdraws.confirm outside WAITING_MERCHANT_CONFIRM: 400 NO_AUTH before review, 403 RULE_LIMIT after', async () => {
    const sub_mchid = emulator.merchants.platform.subMchids[0]!;
    await seeds.acceptedCancelWithdraw('interopCancel0002', sub_mchid);

    const early = await apiErrorOf(
      cancelWithdrawConfirm(platform).post(confirmBody('interopCancel0002', sub_mchid)),
    );
    expect(early).toMatchObject({
      status: 400,
      code: 'NO_AUTH',
      message: expect.stringContaining('请求非法'),
    });
    expect(await seeds.cancelWithdrawState('interopCancel0002')).toBe('ACCEPTED');
    await expectStillServing();

    await seeds.passReview('interopCancel0002');
    await cancelWithdrawConfirm(platform).post(confirmBody('interopCancel0002', sub_mchid));
    const late = await apiErrorOf(
      cancelWithdrawConfirm(platform).post(confirmBody('interopCancel0002', sub_mchid, 'anotherOperator')),
    );
    expect(late).toMatchObject({
      status: 403,
      code: 'RULE_LIMIT',
      message: expect.stringContaining('无需确认'),
    });
    await expectStillServing();
  });

  it('recharges.close called by a merchant that is not a platform: 403 NO_AUTH', async () => {
    const sub_mchid = emulator.merchants.platform.subMchids[0]!;
    const error = await apiErrorOf(
      rechargeClose(serviceProvider).post(
        {},
        { out_recharge_no: 'interopRecharge0001', params: { sub_mchid } },
      ),
    );
    expect(error).toMatchObject({ status: 403, code: 'NO_AUTH' });
    await expectStillServing();
  });

  it('a plugin signing with a private key that is not the merchant’s: 401 SIGN_ERROR, unsigned', async () => {
    const forger = pluginFor(emulator, 'ordinary', { privateKey: stranger.privateKeyPem });
    for (const call of [
      () => authorization(forger).get({ out_authorization_no: ALIVE }),
      () => authorizationClose(forger).post({}, { out_authorization_no: ALIVE }),
    ]) {
      const error = await rejectionOf(call());
      expect(error.response?.status).toBe(401);
      expect(error.response?.data).toMatchObject({ code: 'SIGN_ERROR' });
      expect(error.response?.headers['wechatpay-signature']).toBeUndefined();
    }
    // The forged close changed nothing.
    await expectStillServing();
  });

  it('error answers are signed, and the plugin’s own Rsa.verify accepts their exact bytes', async () => {
    // The plugin's verifier skips non-2xx answers (since v0.8.13), so its primitives check them here;
    // responseType 'text' keeps axios from parsing the body, leaving the bytes that were signed.
    const error = await rejectionOf(
      authorization(ordinary).get({ out_authorization_no: 'interopMissing0006', responseType: 'text' }),
    );
    const headers = error.response!.headers;
    const raw = error.response!.data as unknown as string;
    expect(JSON.parse(raw)).toMatchObject({ code: 'NOT_FOUND' });
    expect(headers['wechatpay-serial']).toBe(emulator.wechatpayPublicKey.id);
    const message = Formatter.response(headers['wechatpay-timestamp'], headers['wechatpay-nonce'], raw);
    const publicKey = Rsa.from(emulator.wechatpayPublicKey.pem, Rsa.KEY_TYPE_PUBLIC);
    expect(Rsa.verify(message, headers['wechatpay-signature'], publicKey)).toBe(true);
    expect(Rsa.verify(`${message}tampered`, headers['wechatpay-signature'], publicKey)).toBe(false);
  });
});

describe('wechatpay-axios-plugin after the virtual clock moved on', () => {
  // The plugin checks Wechatpay-Timestamp against its own wall clock (±300 s) and signs with wall time; an
  // emulator that stamped virtual time would lock it out as soon as a test advanced the clock.
  it('authorizations.get still signs, verifies and answers two days of virtual time later', async () => {
    const before = emulator.clock.now();
    await emulator.clock.advance(2 * 24 * 60 * 60 * 1000);
    expect(emulator.clock.now() - before).toBe(2 * 24 * 60 * 60 * 1000);
    await expectStillServing();
  });
});
