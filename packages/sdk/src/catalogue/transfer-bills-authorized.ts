import Type from 'typebox';
import {
  COMMON_ERRORS,
  optionalText,
  responseObject,
  responseText,
  rfc3339,
  type Sources,
  strictObject,
  stringEnum,
  text,
} from './schemas.js';
import {
  PartnerTransferBillEntity,
  transferBillsPartnerCreate as partnerCreateRow,
  subMchid,
  TRANSFER_BILL_STATES,
  transferFields,
} from './transfer-bills.js';
import {
  ALREADY_EXISTS,
  MERCHANT_DOC,
  MERCHANT_TRANSFER_BILLS_PATH,
  MerchantTransferBillEntity,
  NOT_ENOUGH,
  TRANSFER_RATE_LIMIT_ERRORS,
} from './transfer-bills-merchant.js';
import { type DocumentedError, defineOperation } from './types.js';

/**
 * Transfers that involve a user's authorization (免确认收款授权): A5 transfers under one, without a confirm page
 * [DOC 4014399371], and A4 creates a user-confirm bill whose confirm page also offers one [DOC 4014399293]. Each
 * has a service-provider twin [partner DOC 4016809837, 4016809843; IM].
 */
const PARTNER_PATH = '/v3/fund-app/mch-transfer/partner/transfer-bills';
const PARTNER_DOC = 'https://pay.weixin.qq.com/doc/v3/partner/';

const A5: Sources = ['DOC 4014399371'];
const A4: Sources = ['DOC 4014399293'];
const PARTNER_A4: Sources = ['DOC 4016809843'];
const PARTNER_CREATE: Sources = ['DOC 4015469096'];

/**
 * A5's transfer fields: no openid (the authorization names the user), no notify_url, report infos optional. The
 * partner A5 page was not available: its row cites the merchant twin's constraints.
 */
function a5Fields() {
  const {
    openid: _openid,
    notify_url: _notifyUrl,
    transfer_scene_report_infos: reportInfos,
    ...fields
  } = transferFields(A5);
  return { ...fields, transfer_scene_report_infos: Type.Optional(reportInfos) };
}

const authorizationInfo = strictObject(
  {
    user_display_name: text(32, '【用户展示名称】Nickname shown in the authorization details', A4),
    out_authorization_no: text(32, '【商户侧授权单号】Merchant number of the authorization offered', A4),
    authorization_notify_url: text(
      256,
      '【免确认收款授权结果通知地址】HTTPS URL without query for authorization events',
      A4,
    ),
  },
  '【免确认收款授权信息】The authorization the confirm page offers besides the transfer',
);

/**
 * A4's transfer fields (both twins): openid 选填 — 若已指定免确认收款授权参数，可不指定Openid。否则Openid为必填
 * [DOC 4014399293, 4016809843]; report infos optional; `authorization_info` besides. The merchant twin's lengths
 * stand for the authorization items the partner page was not captured with.
 */
function a4Fields(page: Sources) {
  const {
    appid,
    out_bill_no,
    transfer_scene_id,
    openid: _required,
    transfer_scene_report_infos: reportInfos,
    ...rest
  } = transferFields(page, A4);
  return {
    appid,
    out_bill_no,
    transfer_scene_id,
    openid: optionalText(
      64,
      '【收款用户OpenID】The receiving user; may be left out when authorization_info is given',
      page,
    ),
    ...rest,
    transfer_scene_report_infos: Type.Optional(reportInfos),
    authorization_info: Type.Optional(authorizationInfo),
  };
}

const authorizationRef = {
  authorization_id: optionalText(
    32,
    '【微信免确认收款授权单号】The authorization to transfer under; or out_authorization_no',
    A5,
  ),
  out_authorization_no: optionalText(
    32,
    '【商户侧授权单号】The authorization to transfer under, by merchant number; or authorization_id',
    A5,
  ),
};

const sponsorMchid = (source: Sources) =>
  optionalText(32, '【出资商户号】A merchant that authorized this one to spend its funds (资金授权)', source);

const a5Errors = [
  ...COMMON_ERRORS,
  NOT_ENOUGH,
  ...TRANSFER_RATE_LIMIT_ERRORS,
  ALREADY_EXISTS,
  {
    status: 400,
    code: 'ORDER_CLOSED',
    description: '订单已关闭：单据状态已经到终态，无法发起转账，请通过查单接口确认转账结果',
    source: 'documented' as const,
  },
  {
    status: 403,
    code: 'USER_ERROR',
    description: '当前用户状态异常：收款用户未实名或者用户账户收款受限',
    source: 'documented' as const,
  },
];

/** The partner twins' pages were not available: their own rows are assumed from the merchant pages. */
function asAssumed(errors: readonly DocumentedError[]): DocumentedError[] {
  return errors.map((e) => (COMMON_ERRORS.includes(e) ? e : { ...e, source: 'assumed' }));
}

export const transferBillsTransfer = defineOperation({
  name: 'transferBills.transfer',
  family: 'transferBills',
  verb: 'transfer',
  summary: '用户授权后转账 (transfer to the user of an authorization in effect)',
  description:
    'No confirm page: the bill goes ACCEPTED → PROCESSING → TRANSFERING → SUCCESS. The authorization (by ' +
    'authorization_id or out_authorization_no) must be in effect for the same AppID. No notify_url: the call is ' +
    'synchronous, query the bill for its end.',
  docs: `${MERCHANT_DOC}4014399371`,
  method: 'POST',
  path: `${MERCHANT_TRANSFER_BILLS_PATH}/transfer`,
  role: 'merchant',
  params: undefined,
  query: undefined,
  body: strictObject({ ...a5Fields(), ...authorizationRef, sponsor_mchid: sponsorMchid(A5) }),
  response: MerchantTransferBillEntity,
  errors: a5Errors,
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'documented' },
  sensitive: { request: ['/user_name'], response: ['/user_name'] },
  wechatpaySerial: 'required',
});

export const transferBillsPartnerTransfer = defineOperation({
  name: 'transferBills.partnerTransfer',
  family: 'transferBills',
  verb: 'partnerTransfer',
  summary: '用户授权后转账 (partner: transfer to the user of an authorization in effect)',
  description:
    'The service provider transfers from a sub-merchant to the user of one of its own authorizations in effect, ' +
    'without a confirm page.',
  docs: `${PARTNER_DOC}4016809837`,
  method: 'POST',
  path: `${PARTNER_PATH}/transfer`,
  role: 'serviceProvider',
  params: undefined,
  query: undefined,
  body: strictObject({
    sub_mchid: subMchid(PARTNER_CREATE),
    ...a5Fields(),
    notify_url: optionalText(256, '【通知地址】HTTPS URL without query for MCHTRANSFER.BILL.FINISHED', [
      'DOC 4016809837',
    ]),
    ...authorizationRef,
  }),
  response: PartnerTransferBillEntity,
  errors: asAssumed(a5Errors),
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'assumed' },
  sensitive: { request: ['/user_name'], response: ['/user_name'] },
  wechatpaySerial: 'required',
});

const a4Errors = [...COMMON_ERRORS, NOT_ENOUGH, ...TRANSFER_RATE_LIMIT_ERRORS, ALREADY_EXISTS];

export const transferBillsPreTransferWithAuthorization = defineOperation({
  name: 'transferBills.preTransferWithAuthorization',
  family: 'transferBills',
  verb: 'preTransferWithAuthorization',
  summary: '发起转账并完成免确认收款授权 (create a transfer whose confirm page also offers an authorization)',
  description:
    'A user-confirm bill; if the user confirms receipt and agrees on the confirm page, the authorization in ' +
    '`authorization_info` takes effect (MCHTRANSFER.AUTHORIZATION.CONFIRMED) and later transfers need no page.',
  docs: `${MERCHANT_DOC}4014399293`,
  method: 'POST',
  path: `${MERCHANT_TRANSFER_BILLS_PATH}/pre-transfer-with-authorization`,
  role: 'merchant',
  params: undefined,
  query: undefined,
  body: strictObject({ ...a4Fields(A4), sponsor_mchid: sponsorMchid(A4) }),
  response: responseObject({
    out_bill_no: responseText('【商户单号】Merchant bill number'),
    transfer_bill_no: responseText('【微信转账单号】WeChat Pay transfer bill number'),
    create_time: rfc3339('【单据创建时间】When the bill was accepted (RFC 3339)'),
    state: stringEnum(TRANSFER_BILL_STATES, '【单据状态】Bill state'),
    package_info: Type.Optional(
      responseText(
        '【跳转领取页面的package信息】For the client-side confirm call; only in WAIT_USER_CONFIRM',
      ),
    ),
    user_display_name: Type.Optional(responseText('【用户展示昵称】Nickname of the authorization offered')),
    out_authorization_no: Type.Optional(
      responseText('【商户侧授权单号】Number of the authorization offered'),
    ),
  }),
  errors: a4Errors,
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'documented' },
  sensitive: { request: ['/user_name'] },
  wechatpaySerial: 'required',
});

export const transferBillsPartnerPreTransferWithAuthorization = defineOperation({
  name: 'transferBills.partnerPreTransferWithAuthorization',
  family: 'transferBills',
  verb: 'partnerPreTransferWithAuthorization',
  summary:
    '发起转账并完成免确认收款授权 (partner: a transfer whose confirm page also offers an authorization)',
  description:
    'The service provider creates a user-confirm bill for a sub-merchant; the confirm page also offers the ' +
    'authorization in `authorization_info`, which then belongs to the service provider.',
  docs: `${PARTNER_DOC}4016809843`,
  method: 'POST',
  path: `${PARTNER_PATH}/pre-transfer-with-authorization`,
  role: 'serviceProvider',
  params: undefined,
  query: undefined,
  body: strictObject({ sub_mchid: subMchid(PARTNER_A4), ...a4Fields(PARTNER_A4) }),
  response: partnerCreateRow.response,
  errors: asAssumed(a4Errors),
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'documented' },
  sensitive: { request: ['/user_name'] },
  wechatpaySerial: 'required',
});
