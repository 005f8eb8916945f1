import Type from 'typebox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OperationInput } from '../../src/catalogue/operations.js';
import { defineOperation } from '../../src/catalogue/types.js';
import { prepareOperation } from '../../src/client/prepare-operation.js';
import { resolveOptions } from '../../src/client/resolve-options.js';
import { WechatPay } from '../../src/client/wechat-pay.js';
import { WechatPayDecryptError } from '../../src/errors/index.js';
import { rsaOaepDecrypt, rsaOaepEncrypt } from '../../src/protocol/index.js';
import { createSelfSignedCertificate } from '../../src/testing/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { cancelledBill } from '../support/seed-calls.js';
import { SignedTestServer } from '../support/signed-test-server.js';
import { startTestServer, testClient, testClientOptions } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

let server: SignedTestServer;

const createInput: OperationInput<'transferBills.partnerCreate'> = {
  sub_mchid: '1900001121',
  appid: 'wxf636efh567hg4356',
  out_bill_no: 'plfk2020042013',
  transfer_scene_id: '1000',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  transfer_amount: 400, // below 2,000 CNY, so user_name stays optional
  transfer_remark: '新会员开通有礼',
  transfer_scene_report_infos: [
    { info_type: '活动名称', info_content: '新会员有礼' },
    { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
  ],
};

const created = {
  sub_mchid: '1900001121',
  out_bill_no: 'plfk2020042013',
  transfer_bill_no: '1330000071100999991182020050700019480001',
  create_time: '2015-05-20T13:29:35.120+08:00',
  package_info: 'affffddafdfafddffda==',
};

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
});

function sentBody(index = 0): Record<string, unknown> {
  return JSON.parse(server.requests[index]?.body ?? '{}');
}

describe('sensitive request fields', () => {
  it('transferBills.partnerCreate encrypts user_name for the platform key and names it in Wechatpay-Serial', async () => {
    server.reply({ status: 200, body: created });
    const wxpay = testClient(server.baseUrl);
    await wxpay.transferBills.partnerCreate({ ...createInput, user_name: '张三' });

    const [received] = server.requests;
    expect(received?.authFailure).toBeUndefined();
    expect(received?.headers['wechatpay-serial']).toBe(testKeys().platform.id);
    const body = sentBody();
    expect(body.user_name).not.toBe('张三');
    expect(rsaOaepDecrypt(String(body.user_name), testKeys().platform.privateKey)).toBe('张三');
    // Everything else goes out as given, in the caller's order.
    const { user_name: _, ...rest } = body;
    expect(rest).toEqual(createInput);
  });

  it('transferBills.partnerCreate sends Wechatpay-Serial even without user_name, because the row requires it', async () => {
    server.reply({ status: 200, body: created });
    const wxpay = testClient(server.baseUrl);
    await wxpay.transferBills.partnerCreate(createInput);
    expect(server.requests[0]?.headers['wechatpay-serial']).toBe(testKeys().platform.id);
    expect(sentBody()).toEqual(createInput);
  });

  it('transferBills.partnerCreate re-sends the same ciphertext on a retry (the body is serialized once)', async () => {
    server.reply(
      { status: 503, body: { code: 'SYSTEM_ERROR', message: 'x' } },
      { status: 200, body: created },
    );
    const wxpay = testClient(server.baseUrl);
    await wxpay.transferBills.partnerCreate({ ...createInput, user_name: '张三' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
  });

  it('cancelWithdraws.apply encrypts the nested payee fields and leaves the rest in plaintext', async () => {
    server.reply({ status: 200, body: { applyment_id: 'X1', out_request_no: 'CW1' } });
    const wxpay = testClient(server.baseUrl);
    await wxpay.cancelWithdraws.apply({
      sub_mchid: '1900000109',
      out_request_no: 'CW1',
      withdraw: 'APPLY_WITHDRAW',
      payee_info: {
        account_type: 'ACCOUNT_TYPE_PERSONAL',
        bank_account_info: {
          account_name: '李四',
          account_bank: '招商银行',
          account_number: '6214830000000000',
        },
        identity_info: {
          id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD',
          identification_name: '李四',
          identification_no: '110101199003070000',
        },
      },
    });
    const body = sentBody() as {
      payee_info: {
        bank_account_info: Record<string, string>;
        identity_info: Record<string, string>;
      };
    };
    const decrypt = (text: string | undefined) =>
      rsaOaepDecrypt(String(text), testKeys().platform.privateKey);
    expect(decrypt(body.payee_info.bank_account_info.account_name)).toBe('李四');
    expect(decrypt(body.payee_info.bank_account_info.account_number)).toBe('6214830000000000');
    expect(decrypt(body.payee_info.identity_info.identification_name)).toBe('李四');
    expect(decrypt(body.payee_info.identity_info.identification_no)).toBe('110101199003070000');
    expect(body.payee_info.bank_account_info.account_bank).toBe('招商银行');
    expect(server.requests[0]?.headers['wechatpay-serial']).toBe(testKeys().platform.id);
  });

  it('uses the newest platform certificate and its serial when no public key is configured', async () => {
    const keys = testKeys();
    const serial = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
    const certificate = createSelfSignedCertificate({
      privateKey: keys.platform.privateKey,
      serialNo: serial,
      commonName: 'Tenpay.com Root CA',
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const certServer = await SignedTestServer.start({
      merchant: {
        mchid: keys.merchant.mchid,
        serialNo: keys.merchant.serialNo,
        publicKey: keys.merchant.publicKey,
      },
      platform: { id: serial, privateKey: keys.platform.privateKey },
      handler: () => ({ status: 200, body: created }),
    });
    try {
      const wxpay = new WechatPay({
        ...testClientOptions(certServer.baseUrl, new FakeClock()),
        wechatpayPublicKey: undefined,
        platformCertificates: [certificate],
      });
      await wxpay.transferBills.partnerCreate({ ...createInput, user_name: '张三' });
      const [received] = certServer.requests;
      expect(received?.headers['wechatpay-serial']).toBe(serial);
      const body = JSON.parse(received?.body ?? '{}') as { user_name: string };
      expect(rsaOaepDecrypt(body.user_name, keys.platform.privateKey)).toBe('张三');
    } finally {
      await certServer.close();
    }
  });
});

describe('sensitive response fields', () => {
  const bill = cancelledBill;

  it('transferBills.partnerCancel decrypts user_name with the merchant private key', async () => {
    const encrypted = rsaOaepEncrypt('张三', testKeys().merchant.publicKey);
    server.reply({ status: 200, body: { ...bill, user_name: encrypted } });
    const wxpay = testClient(server.baseUrl);
    const result = await wxpay.transferBills.partnerCancel({
      out_bill_no: 'plfk2020042013',
      sub_mchid: '1900001121',
    });
    expect(result).toEqual({ ...bill, user_name: '张三' });
  });

  it('transferBills.partnerGet decrypts user_name and leaves a response without it alone', async () => {
    server.reply(
      { status: 200, body: { ...bill, user_name: rsaOaepEncrypt('王五', testKeys().merchant.publicKey) } },
      { status: 200, body: bill },
    );
    const wxpay = testClient(server.baseUrl);
    const input = { out_bill_no: 'plfk2020042013', sub_mchid: '1900001121' };
    expect((await wxpay.transferBills.partnerGet(input)).user_name).toBe('王五');
    expect(await wxpay.transferBills.partnerGet(input)).toEqual(bill);
    expect(server.requests[0]?.query).toEqual({ sub_mchid: '1900001121' });
  });

  it('transferBills.partnerGet fails with WechatPayDecryptError when user_name was encrypted for another key', async () => {
    server.reply({
      status: 200,
      body: { ...bill, user_name: rsaOaepEncrypt('王五', testKeys().platform.publicKey) },
    });
    const wxpay = testClient(server.baseUrl);
    await expect(
      wxpay.transferBills.partnerGet({ out_bill_no: 'plfk2020042013', sub_mchid: '1900001121' }),
    ).rejects.toBeInstanceOf(WechatPayDecryptError);
    expect(server.requests).toHaveLength(1);
  });

  it('request() encrypts and decrypts the pointers it is given', async () => {
    server.reply({ status: 200, body: { name: rsaOaepEncrypt('赵六', testKeys().merchant.publicKey) } });
    const wxpay = testClient(server.baseUrl);
    const result = await wxpay.request<{ name: string }>({
      method: 'POST',
      path: '/v3/some/endpoint',
      body: { name: '赵六', other: 'plain' },
      sensitive: { request: ['/name'], response: ['/name'] },
    });
    expect(result.name).toBe('赵六');
    const body = sentBody();
    expect(rsaOaepDecrypt(String(body.name), testKeys().platform.privateKey)).toBe('赵六');
    expect(body.other).toBe('plain');
    expect(server.requests[0]?.headers['wechatpay-serial']).toBe(testKeys().platform.id);
  });
});

describe('prepareOperation', () => {
  it("emits query parameters in the row's order, whatever the caller's order", () => {
    const row = defineOperation({
      name: 'test.list',
      family: 'transferBills',
      verb: 'list',
      summary: 'synthetic',
      description: 'synthetic',
      method: 'GET',
      path: '/v3/items/{item_no}',
      role: 'merchant',
      params: Type.Object({ item_no: Type.String() }),
      query: Type.Object({ zeta: Type.String(), alpha: Type.Optional(Type.String()) }),
      body: undefined,
      response: undefined,
      errors: [],
      rateLimit: { perSecond: 10, code: 'RATE', source: 'assumed' },
    });
    const context = resolveOptions(testClientOptions('https://api.mch.weixin.qq.com'));
    const prepared = prepareOperation(context, row, { alpha: 'a', item_no: 'I1', zeta: 'z' });
    expect(prepared.pathAndQuery).toBe('/v3/items/I1?zeta=z&alpha=a');
    expect(prepareOperation(context, row, { zeta: 'z', item_no: 'I1' }).pathAndQuery).toBe(
      '/v3/items/I1?zeta=z',
    );
  });
});
