import { generateKeyPairSync } from 'node:crypto';
import { connect } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { WechatPay } from '@wxpay-kit/sdk';
import { createSelfSignedCertificate } from '@wxpay-kit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The SDK's loopback forward proxy (CONNECT tunnels, absolute-form forwarding, 407 without credentials).
import { TinyProxy } from '../../../../test-support/tiny-proxy.js';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';

// The README's SDK examples, call for call, with the numbers as the README prints them: a fresh emulator has these
// merchants and sub-merchants (core/dev-merchants.ts). Only the notify URLs point at a local receiver instead.
let h: E2eHarness;
beforeAll(async () => {
  h = await startE2e();
});
afterAll(() => h.close());

const settle = () => h.advance(60);

describe('README examples', () => {
  it('authorizations.apply, authorizations.get, authorizations.close', async () => {
    const wxpay = h.sdk.ordinary;
    const { package_info } = await wxpay.authorizations.apply({
      out_authorization_no: 'plfk2020042013',
      appid: 'wxf636efh567hg4356',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      transfer_scene_id: '1000',
      user_display_name: 'wx_123456',
      user_recv_perception: '现金奖励',
      authorization_notify_url: h.receiver.url('ordinary'),
    });
    expect(package_info).toEqual(expect.any(String));
    expect((await h.control('POST', '/authorizations/1900000001/plfk2020042013/confirm')).status).toBe(200);
    const auth = await wxpay.authorizations.get({ out_authorization_no: 'plfk2020042013' });
    expect(auth.state).toBe('TAKING_EFFECT');
    const closed = await wxpay.authorizations.close({ out_authorization_no: 'plfk2020042013' });
    expect(closed.state).toBe('CLOSED');
    expect(closed.close_info?.close_reason).toBe('CLOSE_VIA_MCH_API');
  });

  it('transferBills.partnerCreate, transferBills.partnerGet (user_name decrypted), transferBills.partnerCancel', async () => {
    const wxpay = h.sdk.serviceProvider;
    const created = await wxpay.transferBills.partnerCreate({
      sub_mchid: '1900000211',
      appid: 'wxd678efh567hg6787',
      out_bill_no: 'plfk2020042013',
      transfer_scene_id: '1000',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      user_name: '张三',
      transfer_amount: 20000,
      transfer_remark: '2020年4月报销',
      notify_url: h.receiver.url('serviceProvider'),
      transfer_scene_report_infos: [
        { info_type: '活动名称', info_content: '新会员有礼' },
        { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
      ],
    });
    expect(created.transfer_bill_no).toMatch(/^\d+$/);
    await settle();
    const bill = await wxpay.transferBills.partnerGet({
      out_bill_no: 'plfk2020042013',
      sub_mchid: '1900000211',
    });
    expect(bill.state).toBe('WAIT_USER_CONFIRM');
    expect(bill.user_name).toBe('张三');
    // README "Request-ID, status and headers of a successful call", as written there.
    const logged: unknown[] = [];
    const logger = { info: (fields: unknown, message: string) => logged.push([fields, message]) };
    const { data, requestId, status, headers, url, attempts } = await wxpay.transferBills
      .partnerCancel({ out_bill_no: 'plfk2020042013', sub_mchid: '1900000211' })
      .withResponse();
    logger.info({ requestId, state: data.state }, 'transfer cancel accepted');
    expect(data.state).toBe('CANCELING');
    expect(requestId).toMatch(/\S/);
    expect(headers['request-id']).toBe(requestId);
    expect(headers['wechatpay-signature']).toEqual(expect.any(String));
    expect({ status, attempts }).toEqual({ status: 200, attempts: 1 });
    expect(url).toBe(
      `${h.emulator.url}/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/plfk2020042013/cancel`,
    );
    expect(logged).toEqual([[{ requestId, state: 'CANCELING' }, 'transfer cancel accepted']]);

    const certificates = await wxpay.request({ method: 'GET', path: '/v3/certificates' }).withResponse();
    expect(certificates.status).toBe(200);
    expect(certificates.requestId).toBe(certificates.headers['request-id']);
    expect(certificates.data).toEqual({ data: expect.any(Array) });
  });

  it('authorizations.partnerApply, .partnerGet, .partnerClose', async () => {
    const wxpay = h.sdk.serviceProvider;
    await wxpay.authorizations.partnerApply({
      out_authorization_no: 'plfk2020042014',
      appid: h.emulator.merchants.serviceProvider.appid,
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      transfer_scene_id: '1005',
      user_display_name: 'wx_123456',
      notify_url: h.receiver.url('serviceProvider'),
    });
    const mchid = h.emulator.merchants.serviceProvider.mchid;
    expect((await h.control('POST', `/authorizations/${mchid}/plfk2020042014/confirm`)).status).toBe(200);
    expect((await wxpay.authorizations.partnerGet({ out_authorization_no: 'plfk2020042014' })).state).toBe(
      'TAKING_EFFECT',
    );
    const closed = await wxpay.authorizations.partnerClose({ out_authorization_no: 'plfk2020042014' });
    expect(closed.state).toBe('CLOSED');
  });

  it('transferBills.create, .get, .getByTransferBillNo, .cancel, .preTransferWithAuthorization, .transfer (ordinary merchant)', async () => {
    const wxpay = h.sdk.ordinary;
    const appid = h.emulator.merchants.ordinary.appid;
    const transfer = await wxpay.transferBills.create({
      appid,
      out_bill_no: 'plfk2020042015',
      transfer_scene_id: '1000',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      user_name: '张三',
      transfer_amount: 20000,
      transfer_remark: '新会员开通有礼',
      transfer_scene_report_infos: [
        { info_type: '活动名称', info_content: '新会员有礼' },
        { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
      ],
    });
    expect((await wxpay.transferBills.get({ out_bill_no: 'plfk2020042015' })).user_name).toBe('张三');
    const same = await wxpay.transferBills.getByTransferBillNo({
      transfer_bill_no: transfer.transfer_bill_no,
    });
    expect(same.out_bill_no).toBe('plfk2020042015');
    expect((await wxpay.transferBills.cancel({ out_bill_no: 'plfk2020042015' })).state).toBe('CANCELING');

    await wxpay.transferBills.preTransferWithAuthorization({
      appid,
      out_bill_no: 'plfk2020042016',
      transfer_scene_id: '1005',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      transfer_amount: 800,
      transfer_remark: '7月份配送费',
      transfer_scene_report_infos: [
        { info_type: '岗位类型', info_content: '外卖员' },
        { info_type: '报酬说明', info_content: '7月份配送费' },
      ],
      authorization_info: {
        user_display_name: 'wx_123456',
        out_authorization_no: 'plfk2020042016',
        authorization_notify_url: h.receiver.url('ordinary'),
      },
    });
    await settle();
    const mchid = h.emulator.merchants.ordinary.mchid;
    const agreed = await h.control('POST', `/transfer-bills/${mchid}/plfk2020042016/confirm-and-authorize`);
    expect(agreed.status).toBe(200);
    const paid = await wxpay.transferBills.transfer({
      appid,
      out_bill_no: 'plfk2020042017',
      transfer_scene_id: '1005',
      transfer_amount: 800,
      transfer_remark: '8月份配送费',
      out_authorization_no: 'plfk2020042016',
    });
    expect(paid.state).toBe('ACCEPTED');
    await settle();
    expect((await wxpay.transferBills.get({ out_bill_no: 'plfk2020042017' })).state).toBe('SUCCESS');
  });

  it('recharges.apply, recharges.get, recharges.close', async () => {
    const wxpay = h.sdk.platform;
    const { recharge_url } = await wxpay.recharges.apply({
      sub_mchid: '1900001121',
      out_recharge_no: 'cz2020042013',
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      account_type: 'DEPOSIT',
      recharge_amount: { amount: 500000, currency: 'CNY' },
      notify_url: h.receiver.url('platform'),
    });
    expect(recharge_url).toMatch(/^https:\/\//);
    const recharge = await wxpay.recharges.get({ out_recharge_no: 'cz2020042013', sub_mchid: '1900001121' });
    expect(recharge.recharge_state).toBe('RECHARGING');
    const closed = await wxpay.recharges.close({ out_recharge_no: 'cz2020042013', sub_mchid: '1900001121' });
    expect(closed.recharge_state).toBe('CLOSED');
  });

  it('cancelWithdraws.validate, .apply, .get, .getByApplymentId, .confirm', async () => {
    const wxpay = h.sdk.platform;
    const check = await wxpay.cancelWithdraws.validate({ sub_mchid: '1900000109' });
    expect(check.validate_result).toBe('ALLOW_CANCEL_WITHDRAW');
    const { applyment_id } = await wxpay.cancelWithdraws.apply({
      sub_mchid: '1900000109',
      out_request_no: 'P202410241010125346',
      withdraw: 'APPLY_WITHDRAW',
      payee_info: {
        account_type: 'ACCOUNT_TYPE_CORPORATE',
        bank_account_info: {
          account_name: '某某某有限公司',
          account_bank: '招商银行',
          account_number: '6214830000000001',
        },
      },
    });
    await settle();
    const application = await wxpay.cancelWithdraws.get({ out_request_no: 'P202410241010125346' });
    expect(application.cancel_state).toBe('WAITING_MERCHANT_CONFIRM');
    const same = await wxpay.cancelWithdraws.getByApplymentId({ applyment_id });
    expect(same.out_request_no).toBe('P202410241010125346');
    const confirmed = await wxpay.cancelWithdraws.confirm({
      applyment_id,
      out_request_no: 'P202410241010125346',
      sub_mchid: '1900000109',
      operator_identification: 'id1102',
      confirm_time: '2015-05-20T13:29:35+08:00',
      cancel_contract_version: 'V20241213',
    });
    expect(confirmed).toMatchObject({ applyment_id, sub_mchid: '1900000109' });
    const after = await wxpay.cancelWithdraws.getByApplymentId({ applyment_id });
    expect(after.cancel_state).toBe('SYSTEM_PROCESSING');
  });
});

describe('README "Egress proxy, your own agent, your own fetch"', () => {
  let proxy: TinyProxy;
  let front: TlsServer;
  let frontUrl: string;
  let caPem: string;

  // The emulator speaks http; a TLS front on loopback (self-signed, for localhost) stands in for an https endpoint,
  // so the client reaches it the way it reaches WeChat Pay through an egress proxy: a CONNECT tunnel, then TLS.
  beforeAll(async () => {
    proxy = await TinyProxy.start({ user: 'user', password: 'password' });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Date.now();
    caPem = createSelfSignedCertificate({
      privateKey,
      serialNo: '5A',
      commonName: 'localhost',
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 3_600_000),
    });
    const emulator = new URL(h.emulator.url);
    front = createTlsServer(
      { key: privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: caPem },
      (tls) => {
        const upstream = connect(Number(emulator.port), emulator.hostname);
        tls.pipe(upstream).pipe(tls);
        upstream.on('error', () => tls.destroy());
        tls.on('error', () => upstream.destroy());
      },
    );
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const address = front.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    frontUrl = `https://localhost:${address.port}`;
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => front.close(() => resolve()));
  });

  it('proxy with credentials and a ca of your own: signed calls through a CONNECT tunnel, verified end to end', async () => {
    const options = { ...h.emulator.clientOptions('ordinary'), baseUrl: frontUrl, retry: false as const };
    const proxied = proxy.url.replace('http://', 'http://user:password@');
    const wxpay = new WechatPay({ ...options, proxy: proxied, ca: caPem });
    const answer = await wxpay.request({ method: 'GET', path: '/v3/certificates' }).withResponse();
    expect(answer.status).toBe(200);
    expect(answer.url).toBe(`${frontUrl}/v3/certificates`);
    expect(proxy.log.map((entry) => [entry.method, entry.target])).toEqual([
      ['CONNECT', frontUrl.replace('https://', '')],
    ]);
    expect(proxy.log[0]?.proxyAuthorization).toBe(`Basic ${Buffer.from('user:password').toString('base64')}`);

    // Without the ca, the same client refuses the endpoint's certificate before anything is sent.
    const untrusting = new WechatPay({ ...options, proxy: proxied });
    await expect(untrusting.request({ method: 'GET', path: '/v3/certificates' })).rejects.toMatchObject({
      name: 'WechatPayNetworkError',
      cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
  });
});
