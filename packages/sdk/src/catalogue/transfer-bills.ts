import Type from 'typebox';
import {
  ASSUMED_NO_AUTH,
  amount,
  anyText,
  assumed,
  assumedRateLimitError,
  COMMON_ERRORS,
  documented,
  knownValues,
  mchid,
  optionalText,
  outNo,
  responseObject,
  responseText,
  rfc3339,
  type Sources,
  strictObject,
  stringEnum,
  text,
} from './schemas.js';
import { TRANSFER_SCENE_IDS, TRANSFER_SCENE_IDS_MENTIONED } from './transfer-scenes.js';
import { defineOperation } from './types.js';

/** The partner (服务商) endpoints: the service provider transfers on behalf of a sub-merchant. */
const BASE = '/v3/fund-app/mch-transfer/partner/transfer-bills';

export const TRANSFER_BILL_STATES = [
  'ACCEPTED',
  'PROCESSING',
  'WAIT_USER_CONFIRM',
  'TRANSFERING',
  'SUCCESS',
  'FAIL',
  'CANCELING',
  'CANCELLED',
] as const;

/** From this amount (200,000 fen = 2,000 CNY) a transfer must carry the payee's real name, `user_name`. */
export const TRANSFER_USER_NAME_REQUIRED_FROM = 200_000;

/** Known `fail_reason` values [DOC 4013774966]; the schema keeps a plain string because new ones appear. */
export const TRANSFER_FAIL_REASONS = [
  'ACCOUNT_FROZEN',
  'ACCOUNT_NOT_EXIST',
  'BANK_CARD_ACCOUNT_ABNORMAL',
  'BANK_CARD_BANK_INFO_WRONG',
  'BANK_CARD_CARD_INFO_WRONG',
  'BANK_CARD_COLLECTIONS_ABOVE_QUOTA',
  'BANK_CARD_PARAM_ERROR',
  'BANK_CARD_STATUS_ABNORMAL',
  'BLOCK_B2C_USERLIMITAMOUNT_BSRULE_MONTH',
  'BLOCK_B2C_USERLIMITAMOUNT_MONTH',
  'BUDGET_NOT_ENOUGH',
  'DAY_RECEIVED_COUNT_EXCEED',
  'DAY_RECEIVED_QUOTA_EXCEED',
  'EXCEEDED_ESTIMATED_AMOUNT',
  'ID_CARD_NOT_CORRECT',
  'MCH_CANCEL',
  'MERCHANT_NOT_CONFIRM',
  'MERCHANT_REJECT',
  'NAME_NOT_CORRECT',
  'OPENID_INVALID',
  'OTHER_FAIL_REASON_TYPE',
  'OVERDUE_CLOSE',
  'PAYEE_ACCOUNT_ABNORMAL',
  'PAYER_ACCOUNT_ABNORMAL',
  'PRODUCT_AUTH_CHECK_FAIL',
  'REALNAME_ACCOUNT_RECEIVED_QUOTA_EXCEED',
  'REAL_NAME_CHECK_FAIL',
  'RECEIVE_ACCOUNT_NOT_CONFIGURE',
  'RELATED_ORDER_TRANSFER_AMOUNT_EXCEED',
  'RELATED_ORDER_TRANSFER_COUNT_EXCEED',
  'RESERVATION_INFO_NOT_MATCH',
  'RESERVATION_SCENE_NOT_MATCH',
  'RESERVATION_STATE_INVALID',
  'TRANSFER_QUOTA_EXCEED',
  'TRANSFER_REMARK_SET_FAIL',
  'TRANSFER_RISK',
  'TRANSFER_SCENE_INVALID',
  'TRANSFER_SCENE_UNAVAILABLE',
] as const;

/** Partner pages: create [DOC 4015469096], query by out_bill_no [DOC 4015469131], cancel (seed 004). */
const CREATE: Sources = ['DOC 4015469096'];
const QUERY: Sources = ['DOC 4015469131'];
const CANCEL: Sources = ['seed 004'];
/** The merchant twin of the create page, for the fields the partner page was not captured with. */
const MERCHANT_CREATE: Sources = ['DOC 4012716434'];

/** Every transfer page: 只能由数字、大小写字母组成, `string(32)`. */
const outBillNo = (source: Sources) =>
  outNo(32, '【商户单号】Merchant bill number, digits and letters only, unique within the merchant', source);
const subMchidDescription =
  '【子商户号】Sub-merchant number (出资商户号), the merchant whose funds are transferred';

/**
 * The transfer fields every create page lists (T1/P1, A4, A5 and their twins), each constraint citing `page`, the
 * page of the row that uses them; `reportInfos` names the page that states the report items' lengths when the
 * row's own page was not captured with them. Rows leave out or loosen what their page does (A5: no openid).
 */
export function transferFields(page: Sources, reportInfos: Sources = page) {
  return {
    appid: text(32, '【商户AppID】AppID the openid belongs to', page),
    out_bill_no: outBillNo(page),
    transfer_scene_id: knownValues(
      [...TRANSFER_SCENE_IDS, ...TRANSFER_SCENE_IDS_MENTIONED],
      '【转账场景ID】Transfer scene, as applied for in the merchant platform (e.g. 1000 现金营销, 1005 佣金报酬)',
      { required: true, maxLength: 36, source: page },
    ),
    openid: text(64, '【收款用户OpenID】The receiving user under the AppID', page),
    user_name: Type.Optional(
      anyText(
        '【收款用户姓名】Receiver real name; pass plaintext, the SDK encrypts it. Required from 2,000 CNY',
      ),
    ),
    transfer_amount: amount('【转账金额】Amount in fen'),
    transfer_remark: text(32, '【转账备注】Remark shown to the user, at most 32 characters', page),
    notify_url: optionalText(256, '【通知地址】HTTPS URL without query for MCHTRANSFER.BILL.FINISHED', page),
    user_recv_perception: Type.Optional(
      anyText('【用户收款感知】Receiving reason shown to the user; empty shows the scene default'),
    ),
    transfer_scene_report_infos: Type.Array(
      strictObject({
        info_type: text(15, '【信息类型】Report info type', reportInfos),
        info_content: text(32, '【信息内容】Report info content', reportInfos),
      }),
      {
        description: '【转账场景报备信息】Scene report items; each scene requires specific info_type values',
      },
    ),
  };
}

/** `user_recv_style`, as the merchant create page states it [DOC 4012716434]. */
export const userRecvStyle = Type.Optional(
  strictObject(
    {
      // 可选取值可能新增，请兼容新增值 [DOC 4012716434]: the list is open by the page's own words.
      type: knownValues(
        ['CONFIRM_PAGE', 'RED_PACKET'],
        '【用户收款样式类型】Confirm page or red packet (≤ 200 CNY); more types may be added',
        { required: true, source: MERCHANT_CREATE },
      ),
    },
    '【用户收款样式】How the user receives the transfer',
  ),
);

/** `sub_mchid` of the partner bodies: string(32) [DOC 4015469096, seed 004]. */
export const subMchid = (source: Sources) => mchid(subMchidDescription, source);

/** The partner bill entity as the cancel page (seed 004) documents it. */
export const PartnerTransferBillEntity = responseObject(
  {
    sub_mchid: responseText('【子商户】Sub-merchant number'),
    mchid: responseText('【商户号】Service provider merchant number'),
    out_bill_no: responseText('【商户单号】Merchant bill number'),
    transfer_bill_no: responseText('【商家转账订单号】WeChat Pay transfer bill number'),
    appid: responseText('【商户AppID】AppID'),
    state: stringEnum(TRANSFER_BILL_STATES, '【单据状态】Bill state'),
    transfer_amount: Type.Integer({ description: '【转账金额】Amount in fen' }),
    transfer_remark: responseText('【转账备注】Remark shown to the user'),
    fail_reason: Type.Optional(responseText('【失败原因】Why the bill failed or its funds were returned')),
    openid: Type.Optional(responseText('【收款用户OpenID】The receiving user under the AppID')),
    user_name: Type.Optional(
      responseText('【收款用户姓名】Receiver name, encrypted with the merchant API certificate key'),
    ),
    create_time: rfc3339('【单据创建时间】When the bill was accepted (RFC 3339)'),
    update_time: rfc3339('【最后一次状态变更时间】Last state change (RFC 3339)'),
  },
  '商家转账单 Partner transfer bill entity',
);

export const transferBillsPartnerCreate = defineOperation({
  name: 'transferBills.partnerCreate',
  family: 'transferBills',
  verb: 'partnerCreate',
  summary: '发起转账 (partner: create a transfer bill for a sub-merchant)',
  description:
    'Creates a transfer bill in user-confirm mode; hand `package_info` to the client for the user to confirm. ' +
    'After any non-200 answer, query the bill before considering a new `out_bill_no`.',
  docs: 'https://pay.weixin.qq.com/doc/v3/partner/4015469096',
  method: 'POST',
  path: BASE,
  role: 'serviceProvider',
  params: undefined,
  query: undefined,
  body: strictObject({
    sub_mchid: subMchid(CREATE),
    ...transferFields(CREATE, MERCHANT_CREATE),
    user_recv_style: userRecvStyle,
  }),
  response: responseObject({
    sub_mchid: responseText('【子商户号】Sub-merchant number'),
    out_bill_no: responseText('【商户单号】Merchant bill number'),
    transfer_bill_no: responseText('【微信转账单号】WeChat Pay transfer bill number'),
    create_time: rfc3339('【单据创建时间】When the bill was accepted (RFC 3339)'),
    state: Type.Optional(stringEnum(TRANSFER_BILL_STATES, '【单据状态】Bill state')),
    package_info: responseText(
      '【跳转领取页面的package信息】Opaque package for the client-side confirm call',
    ),
  }),
  errors: [
    ...COMMON_ERRORS,
    ASSUMED_NO_AUTH,
    assumed(403, 'NOT_ENOUGH', 'Insufficient balance (as on the merchant twin page)'),
    assumed(400, 'ALREADY_EXISTS', 'The bill with this out_bill_no is already final: query it'),
    assumedRateLimitError('FREQUENCY_LIMIT_EXCEED'),
    assumedRateLimitError('RATELIMIT_EXCEEDED'),
    assumedRateLimitError('FREQUENCY_LIMIT'),
  ],
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'documented' },
  sensitive: { request: ['/user_name'] },
  wechatpaySerial: 'required',
});

export const transferBillsPartnerGet = defineOperation({
  name: 'transferBills.partnerGet',
  family: 'transferBills',
  verb: 'partnerGet',
  summary: '商户单号查询转账单 (partner: query a transfer bill by merchant number)',
  description: 'Returns the bill (last 30 days). `user_name` comes back encrypted with the merchant key.',
  docs: 'https://pay.weixin.qq.com/doc/v3/partner/4015469131',
  method: 'GET',
  path: `${BASE}/out-bill-no/{out_bill_no}`,
  role: 'serviceProvider',
  params: strictObject({ out_bill_no: outBillNo(QUERY) }),
  // sub_mchid 选填 on the partner query page.
  query: strictObject({ sub_mchid: optionalText(32, subMchidDescription, QUERY) }),
  body: undefined,
  response: PartnerTransferBillEntity,
  errors: [
    ...COMMON_ERRORS,
    assumed(404, 'NOT_FOUND', 'No such transfer bill (as on the merchant twin page)'),
    ASSUMED_NO_AUTH,
    assumedRateLimitError('FREQUENCY_LIMITED'),
  ],
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMITED', source: 'documented' },
  sensitive: { response: ['/user_name'] },
});

export const transferBillsPartnerCancel = defineOperation({
  name: 'transferBills.partnerCancel',
  family: 'transferBills',
  verb: 'partnerCancel',
  summary: '撤销转账 (partner: cancel a transfer before the user confirms)',
  description:
    'Success means the cancellation was accepted (CANCELING); refunds run asynchronously, query for the result.',
  docs: 'https://pay.weixin.qq.com/doc/v3/partner/4015469118',
  method: 'POST',
  path: `${BASE}/out-bill-no/{out_bill_no}/cancel`,
  role: 'serviceProvider',
  params: strictObject({ out_bill_no: outBillNo(CANCEL) }),
  query: undefined,
  body: strictObject({ sub_mchid: subMchid(CANCEL) }),
  response: PartnerTransferBillEntity,
  errors: [
    ...COMMON_ERRORS,
    documented(404, 'NOT_FOUND', '转账单不存在'),
    ASSUMED_NO_AUTH,
    assumedRateLimitError('FREQUENCY_LIMIT_EXCEED'),
  ],
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'documented' },
  sensitive: { response: ['/user_name'] },
});
