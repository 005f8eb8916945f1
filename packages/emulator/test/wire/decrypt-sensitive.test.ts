import { generateKeyPairSync } from 'node:crypto';
import { loadPublicKey, rsaOaepEncrypt } from '@wxpay-kit/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/framework-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ rateLimits: false });
});
afterAll(() => h.close());

const CREATE = '/v3/fund-app/mch-transfer/partner/transfer-bills';
const body = (userName?: string) =>
  JSON.stringify({
    sub_mchid: h.credentials.merchants.serviceProvider.subMerchants[0]!.mchid,
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
    ...(userName === undefined ? {} : { user_name: userName }),
  });
const platformKey = () => loadPublicKey(h.credentials.platform.publicKeyPem);
const publicKeyId = () => h.credentials.platform.publicKeyId;

describe('Wechatpay-Serial and decrypt-sensitive', () => {
  it('transferBills.partnerCreate: the handler receives user_name decrypted to plaintext', async () => {
    const res = await h.call('serviceProvider', {
      method: 'POST',
      url: CREATE,
      body: body(rsaOaepEncrypt('张三', platformKey())),
      headers: { 'wechatpay-serial': publicKeyId() },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().body.user_name).toBe('张三');
  });

  it('transferBills.partnerCreate: the platform certificate serial names the same key and is accepted', async () => {
    const res = await h.call('serviceProvider', {
      method: 'POST',
      url: CREATE,
      body: body(rsaOaepEncrypt('李四', platformKey())),
      headers: { 'wechatpay-serial': h.credentials.platform.certificateSerial },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().body.user_name).toBe('李四');
    // A certificate-mode client gets its answer under the certificate serial.
    expect(res.headers['wechatpay-serial']).toBe(h.credentials.platform.certificateSerial);
  });

  it('transferBills.partnerCreate: a missing Wechatpay-Serial is refused (the row requires it)', async () => {
    const res = await h.call('serviceProvider', { method: 'POST', url: CREATE, body: body() });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'PARAM_ERROR',
      message: 'HTTP header缺少微信支付平台证书序列号(Wechatpay-Serial)',
      detail: { field: 'Wechatpay-Serial', location: 'header' },
    });
  });

  it('transferBills.partnerCreate: a Wechatpay-Serial naming no emulator key is refused', async () => {
    const res = await h.call('serviceProvider', {
      method: 'POST',
      url: CREATE,
      body: body(),
      headers: { 'wechatpay-serial': 'PUB_KEY_ID_0000000000000024101100397200000006' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'PARAM_ERROR', message: '平台证书序列号Wechatpay-Serial错误' });
  });

  it('transferBills.partnerCreate: plaintext where ciphertext belongs is named as such', async () => {
    const res = await h.call('serviceProvider', {
      method: 'POST',
      url: CREATE,
      body: body('张三'),
      headers: { 'wechatpay-serial': publicKeyId() },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'PARAM_ERROR',
      message: '请确认待处理的消息是否为加密后的密文',
      detail: { field: '/user_name', location: 'body' },
    });
  });

  it('transferBills.partnerCreate: ciphertext for another key fails to decrypt', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const res = await h.call('serviceProvider', {
      method: 'POST',
      url: CREATE,
      body: body(rsaOaepEncrypt('张三', stranger)),
      headers: { 'wechatpay-serial': publicKeyId() },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'PARAM_ERROR',
      message: '平台私钥解密失败',
      detail: { field: '/user_name', location: 'body' },
    });
  });

  it('authorizations.get: a superfluous Wechatpay-Serial on a request without encrypted fields is harmless', async () => {
    const res = await h.call('ordinary', {
      method: 'GET',
      url: '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/A1',
      headers: { 'wechatpay-serial': 'ANYTHING' },
    });
    expect(res.statusCode).toBe(200);
  });
});
