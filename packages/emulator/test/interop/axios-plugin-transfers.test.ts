import { type RunningEmulator, startEmulator } from '@wxpay-kit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rsa } from 'wechatpay-axios-plugin';
import {
  apiErrorOf,
  control,
  type Plugin,
  pluginFor,
  segments,
  startNotifyReceiver,
} from './plugin-support.js';

/**
 * The transfer operations around the seeds (the ordinary merchant's bills, transfers under an authorization, A4,
 * the partner authorizations) driven through wechatpay-axios-plugin: its own signing, URL building from chained
 * segments, response verification and RSA-OAEP encryption of user_name. wxpay-kit takes no part on the client.
 */

let emulator: RunningEmulator;
let receiver: Awaited<ReturnType<typeof startNotifyReceiver>>;
let ordinary: Plugin;
let serviceProvider: Plugin;

const STEP_MS = 5_000;

beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    clock: { mode: 'manual', start: Date.now() },
    asyncStepMs: STEP_MS,
  });
  receiver = await startNotifyReceiver();
  ordinary = pluginFor(emulator, 'ordinary');
  serviceProvider = pluginFor(emulator, 'serviceProvider');
});

afterAll(async () => {
  await emulator?.close();
  await receiver?.close();
});

const REPORT_1005 = [
  { info_type: '岗位类型', info_content: '外卖员' },
  { info_type: '报酬说明', info_content: '7月份配送费' },
];

/** user_name as the plugin's README encrypts it: Rsa.encrypt with the WeChat Pay public key, plus its id. */
function encryptedName(name: string) {
  const key = Rsa.from(emulator.wechatpayPublicKey.pem, Rsa.KEY_TYPE_PUBLIC);
  return {
    user_name: Rsa.encrypt(name, key),
    headers: { 'Wechatpay-Serial': emulator.wechatpayPublicKey.id },
  };
}

const transferBills = (plugin: Plugin) => segments(plugin, 'v3.fundApp.mchTransfer.transferBills');

async function agreedAuthorization(no: string): Promise<string> {
  const { mchid, appid } = emulator.merchants.ordinary;
  await segments(ordinary, 'v3.fundApp.mchTransfer.userConfirmAuthorization').post({
    out_authorization_no: no,
    appid,
    openid: 'o-interop-user',
    transfer_scene_id: '1005',
    user_display_name: 'wx_123456',
    authorization_notify_url: receiver.url,
  });
  const confirmed = (await control(emulator, `authorizations/${mchid}/${no}/confirm`)) as {
    authorization_id: string;
  };
  return confirmed.authorization_id;
}

describe('the ordinary merchant’s transfer bills through wechatpay-axios-plugin', () => {
  it('transferBills.create, .get, .getByTransferBillNo and .cancel (no body), each answer verified by the plugin', async () => {
    const { appid, mchid } = emulator.merchants.ordinary;
    const { user_name, headers } = encryptedName('张三');
    const created = await transferBills(ordinary).post(
      {
        appid,
        out_bill_no: 'interopMerchantBill1',
        transfer_scene_id: '1005',
        openid: 'o-interop-user',
        user_name,
        transfer_amount: 500,
        transfer_remark: '7月份配送费',
        transfer_scene_report_infos: REPORT_1005,
      },
      { headers },
    );
    expect(created.status).toBe(200);
    expect(created.data).toMatchObject({ out_bill_no: 'interopMerchantBill1', state: 'ACCEPTED' });
    const transferBillNo = (created.data as unknown as { transfer_bill_no: string }).transfer_bill_no;
    await emulator.clock.advance(2 * STEP_MS);

    const got = await segments(ordinary, 'v3.fundApp.mchTransfer.transferBills.outBillNo._out_bill_no_').get({
      out_bill_no: 'interopMerchantBill1',
    });
    expect(got.data).toMatchObject({
      mch_id: mchid,
      state: 'WAIT_USER_CONFIRM',
      user_name: expect.any(String),
    });
    expect(got.data.user_name).not.toBe('张三');

    const same = await segments(
      ordinary,
      'v3.fundApp.mchTransfer.transferBills.transferBillNo._transfer_bill_no_',
    ).get({ transfer_bill_no: transferBillNo });
    expect(same.data).toMatchObject({ out_bill_no: 'interopMerchantBill1', state: 'WAIT_USER_CONFIRM' });

    const cancelled = await segments(
      ordinary,
      'v3.fundApp.mchTransfer.transferBills.outBillNo._out_bill_no_.cancel',
    ).post({}, { out_bill_no: 'interopMerchantBill1' });
    expect(cancelled.data).toEqual({
      out_bill_no: 'interopMerchantBill1',
      transfer_bill_no: transferBillNo,
      state: 'CANCELING',
      update_time: expect.any(String),
    });
  });

  it('transferBills.transfer (A5) under an authorization in effect, then refused once it is closed', async () => {
    const { appid } = emulator.merchants.ordinary;
    const authorizationId = await agreedAuthorization('interopA5Auth1');
    const { user_name, headers } = encryptedName('张三');
    const body = {
      appid,
      out_bill_no: 'interopA5Bill1',
      transfer_scene_id: '1005',
      user_name,
      transfer_amount: 300,
      transfer_remark: '7月份配送费',
      transfer_scene_report_infos: REPORT_1005,
      authorization_id: authorizationId,
    };
    const paid = await segments(transferBills(ordinary), 'transfer').post(body, { headers });
    expect(paid.data).toMatchObject({
      out_bill_no: 'interopA5Bill1',
      openid: 'o-interop-user',
      state: 'ACCEPTED',
    });

    await segments(
      ordinary,
      'v3.fundApp.mchTransfer.userConfirmAuthorization.outAuthorizationNo._out_authorization_no_.close',
    ).post({}, { out_authorization_no: 'interopA5Auth1' });
    const refused = await apiErrorOf(
      segments(transferBills(ordinary), 'transfer').post(
        { ...body, out_bill_no: 'interopA5Bill2' },
        { headers },
      ),
    );
    expect(refused).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(refused.message).toContain('免确认收款授权未生效或已关闭');
  });

  it('transferBills.preTransferWithAuthorization (A4): the user confirms and authorizes, and the authorization carries A5', async () => {
    const { appid, mchid } = emulator.merchants.ordinary;
    const { headers } = encryptedName('unused');
    const created = await segments(transferBills(ordinary), 'preTransferWithAuthorization').post(
      {
        appid,
        out_bill_no: 'interopA4Bill1',
        transfer_scene_id: '1005',
        openid: 'o-interop-a4',
        transfer_amount: 300,
        transfer_remark: '7月份配送费',
        transfer_scene_report_infos: REPORT_1005,
        authorization_info: {
          user_display_name: 'wx_123456',
          out_authorization_no: 'interopA4Auth1',
          authorization_notify_url: receiver.url,
        },
      },
      { headers },
    );
    expect(created.data).toMatchObject({ state: 'ACCEPTED', out_authorization_no: 'interopA4Auth1' });
    await emulator.clock.advance(2 * STEP_MS);
    await control(emulator, `transfer-bills/${mchid}/interopA4Bill1/confirm-and-authorize`);
    const auth = await segments(
      ordinary,
      'v3.fundApp.mchTransfer.userConfirmAuthorization.outAuthorizationNo._out_authorization_no_',
    ).get({ out_authorization_no: 'interopA4Auth1' });
    expect(auth.data).toMatchObject({ state: 'TAKING_EFFECT', openid: 'o-interop-a4' });
  });

  it('transferBills.preTransferWithAuthorization (A4) without openid: the user who confirms holds the authorization', async () => {
    const { appid, mchid } = emulator.merchants.ordinary;
    // Wechatpay-Serial is 必填 on the A4 page, user_name or not.
    const { headers } = encryptedName('unused');
    const created = await segments(transferBills(ordinary), 'preTransferWithAuthorization').post(
      {
        appid,
        out_bill_no: 'interopA4NoOpenid',
        transfer_scene_id: '1005',
        transfer_amount: 300,
        transfer_remark: '7月份配送费',
        transfer_scene_report_infos: REPORT_1005,
        authorization_info: {
          user_display_name: 'wx_123456',
          out_authorization_no: 'interopA4AuthNoOpenid',
          authorization_notify_url: receiver.url,
        },
      },
      { headers },
    );
    expect(created.data).toMatchObject({ state: 'ACCEPTED' });
    await emulator.clock.advance(2 * STEP_MS);
    await control(emulator, `transfer-bills/${mchid}/interopA4NoOpenid/confirm-and-authorize`, {
      openid: 'o-interop-confirming',
    });
    const auth = await segments(
      ordinary,
      'v3.fundApp.mchTransfer.userConfirmAuthorization.outAuthorizationNo._out_authorization_no_',
    ).get({ out_authorization_no: 'interopA4AuthNoOpenid' });
    expect(auth.data).toMatchObject({ state: 'TAKING_EFFECT', openid: 'o-interop-confirming' });
  });
});

describe('the service provider’s authorization and transfer twins through wechatpay-axios-plugin', () => {
  it('authorizations.partnerApply (notify_url) / partnerGet / partnerClose on the plural path, and partnerTransfer / partnerPreTransferWithAuthorization', async () => {
    const { appid, mchid, subMchids } = emulator.merchants.serviceProvider;
    const sub_mchid = subMchids[0]!;
    const authorizations = segments(
      serviceProvider,
      'v3.fundApp.mchTransfer.partner.userConfirmAuthorizations',
    );
    const applied = await authorizations.post({
      out_authorization_no: 'interopPartnerAuth1',
      appid,
      openid: 'o-interop-partner',
      transfer_scene_id: '1005',
      user_display_name: 'wx_123456',
      notify_url: receiver.url,
    });
    expect(applied.data).toMatchObject({ state: 'WAIT_USER_CONFIRM', package_info: expect.any(String) });
    await control(emulator, `authorizations/${mchid}/interopPartnerAuth1/confirm`);
    const one = segments(authorizations, '_out_authorization_no_');
    const got = await one.get({ out_authorization_no: 'interopPartnerAuth1' });
    expect(got.data).toMatchObject({ state: 'TAKING_EFFECT', authorization_id: expect.any(String) });

    const { headers } = encryptedName('unused');
    const partnerBills = segments(serviceProvider, 'v3.fundApp.mchTransfer.partner.transferBills');
    const paid = await segments(partnerBills, 'transfer').post(
      {
        sub_mchid,
        appid,
        out_bill_no: 'interopPartnerA5',
        transfer_scene_id: '1005',
        transfer_amount: 300,
        transfer_remark: '7月份配送费',
        transfer_scene_report_infos: REPORT_1005,
        authorization_id: got.data.authorization_id,
      },
      { headers },
    );
    expect(paid.data).toMatchObject({ sub_mchid, mchid, state: 'ACCEPTED', openid: 'o-interop-partner' });

    const offered = await segments(partnerBills, 'preTransferWithAuthorization').post(
      {
        sub_mchid,
        appid,
        out_bill_no: 'interopPartnerA4',
        transfer_scene_id: '1005',
        openid: 'o-interop-partner-2',
        transfer_amount: 300,
        transfer_remark: '7月份配送费',
        transfer_scene_report_infos: REPORT_1005,
        authorization_info: {
          user_display_name: 'wx_654321',
          out_authorization_no: 'interopPartnerAuth2',
          authorization_notify_url: receiver.url,
        },
      },
      { headers },
    );
    expect(offered.data).toMatchObject({
      sub_mchid,
      out_bill_no: 'interopPartnerA4',
      package_info: expect.any(String),
    });

    const closed = await segments(one, 'close').post({}, { out_authorization_no: 'interopPartnerAuth1' });
    expect(closed.data).toMatchObject({
      state: 'CLOSED',
      authorization_id: got.data.authorization_id,
      close_info: { close_reason: 'CLOSE_VIA_MCH_API' },
    });
  });
});
