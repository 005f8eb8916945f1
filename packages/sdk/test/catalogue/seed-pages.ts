/**
 * What the five official seed pages (/work/shared/seeds) say, transcribed verbatim: the operation, its
 * documented error rows and its example bodies. The tests hold the catalogue to these.
 */
export interface SeedPage {
  operation: string;
  method: 'GET' | 'POST';
  /** The concrete path of the page's request example. */
  examplePath: string;
  exampleParams: Record<string, string>;
  exampleQuery?: Record<string, string>;
  exampleBody?: unknown;
  exampleResponse: unknown;
  errors: { status: number; code: string; description: string }[];
}

const COMMON = [
  { status: 400, code: 'PARAM_ERROR', description: '参数错误' },
  { status: 400, code: 'INVALID_REQUEST', description: 'HTTP 请求不符合微信支付 APIv3 接口规则' },
  { status: 401, code: 'SIGN_ERROR', description: '验证不通过' },
  { status: 500, code: 'SYSTEM_ERROR', description: '系统异常,请稍后重试' },
];

export const seedPages: SeedPage[] = [
  {
    operation: 'authorizations.close',
    method: 'POST',
    examplePath:
      '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/plfk2020042013/close',
    exampleParams: { out_authorization_no: 'plfk2020042013' },
    exampleResponse: {
      out_authorization_no: 'plfk2020042013',
      appid: '102022609',
      openid: '216BE837A39456BD6729F6F47D7C0EEE',
      user_display_name: 'wx_123456',
      authorization_id: '201202504101000123456789012',
      state: 'CLOSED',
      authorize_time: '2015-05-20T13:29:35.120+08:00',
      close_info: { close_time: '2015-05-20T13:29:35.120+08:00', close_reason: 'CLOSE_VIA_MCH_API' },
    },
    errors: [
      ...COMMON,
      { status: 404, code: 'NOT_FOUND', description: '免确认收款授权不存在' },
      { status: 429, code: 'RATELIMIT_EXCEEDED', description: '频率超限' },
    ],
  },
  {
    operation: 'authorizations.get',
    method: 'GET',
    examplePath: '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/plfk2020042013',
    exampleParams: { out_authorization_no: 'plfk2020042013' },
    exampleResponse: {
      out_authorization_no: 'plfk2020042013',
      appid: '102022609',
      openid: '216BE837A39456BD6729F6F47D7C0EEE',
      user_display_name: 'wx_123456',
      authorization_id: '201202504101000123456789012',
      state: 'TAKING_EFFECT',
      authorize_time: '2015-05-20T13:29:35.120+08:00',
      close_info: { close_time: '2015-05-20T13:29:35.120+08:00', close_reason: 'USER_CLOSE' },
      transfer_scene_id: '1000',
      user_recv_perception: '现金奖励',
      create_time: '2015-05-20T13:29:35.120+08:00',
    },
    errors: [
      ...COMMON,
      { status: 404, code: 'NOT_FOUND', description: '免确认收款授权不存在' },
      { status: 429, code: 'RATELIMIT_EXCEEDED', description: '频率超限' },
    ],
  },
  {
    operation: 'cancelWithdraws.confirm',
    method: 'POST',
    examplePath: '/v3/ecommerce/account/apply-cancel-withdraw/confirm',
    exampleParams: {},
    exampleBody: {
      applyment_id: 'X202410241010125346',
      out_request_no: 'P202410241010125346',
      sub_mchid: '1900000109',
      operator_identification: 'id1102',
      confirm_time: '2015-05-20T13:29:35+08:00',
      cancel_contract_version: 'V20241213',
    },
    exampleResponse: {
      applyment_id: 'X202410241010125346',
      sub_mchid: '1900000109',
      out_request_no: 'P202410241010125346',
    },
    errors: [
      ...COMMON,
      { status: 400, code: 'NO_AUTH', description: '请求非法' },
      { status: 403, code: 'RULE_LIMIT', description: '无需确认' },
    ],
  },
  {
    operation: 'recharges.close',
    method: 'POST',
    examplePath:
      '/v3/platsolution/ecommerce/recharges/out-recharge-no/cz2020042013/close?sub_mchid=1900102208',
    exampleParams: { out_recharge_no: 'cz2020042013' },
    exampleQuery: { sub_mchid: '1900102208' },
    exampleResponse: {
      sp_mchid: '1900001109',
      sub_mchid: '1900001121',
      recharge_id: '172234484162395401',
      out_recharge_no: 'cz2020042013',
      recharge_channel: 'BANK_TRANSFER',
      account_type: 'DEPOSIT',
      recharge_state: 'SUCCESS',
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      recharge_state_desc: '超过时间限制,系统自动关闭充值单',
      recharge_amount: { amount: 500000, currency: 'CNY' },
      bank_transfer_info: {
        bill_no: '110240620400046628001252733345',
        memo: '转账充值附言',
        return_time: '2015-05-20T13:29:35+08:00',
        return_reason: '银行转账充值金额与申请充值金额不一致',
        bank_name: '中国银行',
        bank_card_tail: '0722',
        bank_account_name: '某某某有限公司',
      },
      qr_recharge_info: { openid: 'owYiu0WOJdGCYxoHrPabGhI39uT4', employee_type: 'STAFF' },
      online_bank_recharge_info: {
        bill_no: '110240620400046628001252733345',
        return_time: '2015-05-20T13:29:35+08:00',
        return_reason: '实际付款户名与充值单要求的付款户名不一致',
        bank_name: '中国银行',
        online_bank_type: 'ONLINE_BANK_TYPE_CORPORATE',
        bank_card_tail: '0722',
        bank_account_name: '某某某有限公司',
      },
      accept_time: '2015-05-20T13:29:35+08:00',
      success_time: '2015-05-20T13:29:35+08:00',
      close_time: '2015-05-20T13:29:35+08:00',
      available_recharge_channels: ['BANK_TRANSFER'],
    },
    errors: [
      ...COMMON,
      { status: 404, code: 'NOT_FOUND', description: '充值单不存在' },
      { status: 403, code: 'NO_AUTH', description: '服务商未开通平台收付通' },
      { status: 429, code: 'FREQUENCY_LIMITED', description: '频率超限' },
    ],
  },
  {
    operation: 'transferBills.partnerCancel',
    method: 'POST',
    examplePath: '/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/plfk2020042013/cancel',
    exampleParams: { out_bill_no: 'plfk2020042013' },
    exampleBody: { sub_mchid: '1900001121' },
    exampleResponse: {
      sub_mchid: '1900001109',
      mchid: '1900001109',
      out_bill_no: 'plfk2020042013',
      transfer_bill_no: '1330000071100999991182020050700019480001',
      appid: 'wxf636efh567hg4356',
      state: 'SUCCESS',
      transfer_amount: 400000,
      transfer_remark: '2020年4月报销',
      fail_reason: 'PAYEE_ACCOUNT_ABNORMAL',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      user_name: '757b340b45ebef5467rter35gf464344v3542sdf4t6re4tb4f54ty45t4yyry45',
      create_time: '2024-04-21T13:29:35.120+08:00',
      update_time: '2015-04-21T13:31:35.120+08:00',
    },
    errors: [...COMMON, { status: 404, code: 'NOT_FOUND', description: '转账单不存在' }],
  },
];
