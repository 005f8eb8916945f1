import type { OperationName } from '../../src/catalogue/operations.js';

/** One call per seed operation, with the request WeChat Pay should receive and a documented example answer. */
export interface SeedCall {
  name: OperationName;
  input: Record<string, unknown>;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The exact body bytes expected on the wire ('' for none). */
  body: string;
  response: Record<string, unknown>;
}

const closedAuthorization = {
  out_authorization_no: 'plfk2020042013',
  appid: 'wxf636efh567hg4356',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  user_display_name: 'wx_123456',
  authorization_id: '201202504101000123456789012',
  state: 'CLOSED',
  authorize_time: '2015-05-20T13:29:35.120+08:00',
  close_info: { close_time: '2015-05-20T13:29:35.120+08:00', close_reason: 'CLOSE_VIA_MCH_API' },
  transfer_scene_id: '1000',
  user_recv_perception: '现金奖励',
  create_time: '2015-05-20T13:29:35.120+08:00',
};

const recharge = {
  sp_mchid: '1900000100',
  sub_mchid: '1900001121',
  recharge_id: '172207846292553701',
  out_recharge_no: 'cz2020042013',
  account_type: 'DEPOSIT',
  recharge_state: 'CLOSED',
  recharge_scene: 'ECOMMERCE_DEPOSIT',
  recharge_state_desc: '平台商户主动关闭充值单',
  recharge_amount: { amount: 100, currency: 'CNY' },
  close_time: '2015-05-20T13:29:35+08:00',
};

export const seedCalls: SeedCall[] = [
  {
    name: 'authorizations.close',
    input: { out_authorization_no: 'plfk2020042013' },
    method: 'POST',
    path: '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/plfk2020042013/close',
    query: {},
    body: '',
    response: closedAuthorization,
  },
  {
    name: 'authorizations.get',
    input: { out_authorization_no: 'plfk2020042013' },
    method: 'GET',
    path: '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/plfk2020042013',
    query: {},
    body: '',
    response: closedAuthorization,
  },
  {
    name: 'transferBills.partnerCancel',
    input: { out_bill_no: 'plfk2020042013', sub_mchid: '1900001121' },
    method: 'POST',
    path: '/v3/fund-app/mch-transfer/partner/transfer-bills/out-bill-no/plfk2020042013/cancel',
    query: {},
    body: '{"sub_mchid":"1900001121"}',
    response: {
      sub_mchid: '1900001121',
      mchid: '1900001109',
      out_bill_no: 'plfk2020042013',
      transfer_bill_no: '1330000071100999991182020050700019480001',
      appid: 'wxf636efh567hg4356',
      state: 'CANCELING',
      transfer_amount: 400000,
      transfer_remark: '新会员开通有礼',
      create_time: '2015-05-20T13:29:35.120+08:00',
      update_time: '2015-05-20T13:29:35.120+08:00',
    },
  },
  {
    name: 'recharges.close',
    input: { out_recharge_no: 'cz2020042013', sub_mchid: '1900001121' },
    method: 'POST',
    path: '/v3/platsolution/ecommerce/recharges/out-recharge-no/cz2020042013/close',
    query: { sub_mchid: '1900001121' },
    body: '',
    response: recharge,
  },
  {
    name: 'cancelWithdraws.confirm',
    input: {
      applyment_id: 'X202410241010125346',
      sub_mchid: '1900000109',
      operator_identification: 'id1102',
      confirm_time: '2015-05-20T13:29:35.120+08:00',
      cancel_contract_version: 'V20241213',
    },
    method: 'POST',
    path: '/v3/ecommerce/account/apply-cancel-withdraw/confirm',
    query: {},
    body: '{"applyment_id":"X202410241010125346","sub_mchid":"1900000109","operator_identification":"id1102","confirm_time":"2015-05-20T13:29:35.120+08:00","cancel_contract_version":"V20241213"}',
    response: { applyment_id: 'X202410241010125346', sub_mchid: '1900000109' },
  },
];

/** A partner transfer bill as `transferBills.partnerCancel` answers it (seed 004's fields), without `user_name`. */
export const cancelledBill = {
  sub_mchid: '1900001121',
  mchid: '1900001109',
  out_bill_no: 'plfk2020042013',
  transfer_bill_no: '1330000071100999991182020050700019480001',
  appid: 'wxf636efh567hg4356',
  state: 'CANCELING',
  transfer_amount: 400_000,
  transfer_remark: '新会员开通有礼',
  create_time: '2015-05-20T13:29:35.120+08:00',
  update_time: '2015-05-20T13:29:35.120+08:00',
};
