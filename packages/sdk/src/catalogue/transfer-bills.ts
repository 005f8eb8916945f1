import Type from 'typebox';
import {
  ASSUMED_NO_AUTH,
  amount,
  assumed,
  assumedRateLimitError,
  COMMON_ERRORS,
  documented,
  mchid,
  outNo,
  responseObject,
  responseText,
  rfc3339,
  strictObject,
  stringEnum,
  text,
} from './schemas.js';
import { TRANSFER_SCENE_IDS } from './transfer-scenes.js';
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

const outBillNo = outNo(
  32,
  '【商户单号】Merchant bill number, digits and letters only, unique within the merchant',
);
const subMchid = mchid(
  '【子商户号】Sub-merchant number (出资商户号), the merchant whose funds are transferred',
);

const pathParams = strictObject({ out_bill_no: outBillNo });

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

export const transferBillsCreate = defineOperation({
  name: 'transferBills.create',
  family: 'transferBills',
  verb: 'create',
  summary: '发起转账 (partner: create a transfer bill for a sub-merchant)',
  description:
    'Creates a transfer bill in user-confirm mode; hand `package_info` to the client for the user to confirm. ' +
    'After any non-200 answer, query the bill before considering a new `out_bill_no`.',
  method: 'POST',
  path: BASE,
  role: 'serviceProvider',
  params: undefined,
  query: undefined,
  body: strictObject({
    sub_mchid: subMchid,
    appid: text(32, '【商户AppID】AppID the openid belongs to'),
    out_bill_no: outBillNo,
    transfer_scene_id: stringEnum(
      TRANSFER_SCENE_IDS,
      '【转账场景ID】Transfer scene, enabled for the merchant',
    ),
    openid: text(64, '【收款用户OpenID】The receiving user under the AppID'),
    user_name: Type.Optional(
      text(
        2048,
        '【收款用户姓名】Receiver real name; pass plaintext, the SDK encrypts it. Required from 2,000 CNY',
      ),
    ),
    transfer_amount: amount('【转账金额】Amount in fen'),
    transfer_remark: text(32, '【转账备注】Remark shown to the user, at most 32 characters'),
    notify_url: Type.Optional(text(256, '【通知地址】HTTPS URL without query for MCHTRANSFER.BILL.FINISHED')),
    user_recv_perception: Type.Optional(text(256, '【用户收款感知】Receiving reason shown to the user')),
    transfer_scene_report_infos: Type.Array(
      strictObject({
        info_type: Type.String({ minLength: 1, maxLength: 15, description: '【信息类型】Report info type' }),
        info_content: Type.String({
          minLength: 1,
          maxLength: 32,
          description: '【信息内容】Report info content',
        }),
      }),
      {
        minItems: 1,
        description: '【转账场景报备信息】Scene report items; each scene requires specific info_type values',
      },
    ),
    user_recv_style: Type.Optional(
      strictObject(
        {
          type: stringEnum(
            ['CONFIRM_PAGE', 'RED_PACKET'],
            '【收款方式】Confirm page or red packet (≤ 200 CNY)',
          ),
        },
        '【用户收款方式】How the user receives the transfer',
      ),
    ),
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
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'assumed' },
  sensitive: { request: ['/user_name'] },
  wechatpaySerial: 'required',
});

export const transferBillsGet = defineOperation({
  name: 'transferBills.get',
  family: 'transferBills',
  verb: 'get',
  summary: '商户单号查询转账单 (partner: query a transfer bill by merchant number)',
  description: 'Returns the bill (last 30 days). `user_name` comes back encrypted with the merchant key.',
  method: 'GET',
  path: `${BASE}/out-bill-no/{out_bill_no}`,
  role: 'serviceProvider',
  params: pathParams,
  query: strictObject({ sub_mchid: subMchid }),
  body: undefined,
  response: PartnerTransferBillEntity,
  errors: [
    ...COMMON_ERRORS,
    assumed(404, 'NOT_FOUND', 'No such transfer bill (as on the merchant twin page)'),
    ASSUMED_NO_AUTH,
    assumedRateLimitError('FREQUENCY_LIMITED'),
  ],
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMITED', source: 'assumed' },
  sensitive: { response: ['/user_name'] },
});

export const transferBillsCancel = defineOperation({
  name: 'transferBills.cancel',
  family: 'transferBills',
  verb: 'cancel',
  summary: '撤销转账 (partner: cancel a transfer before the user confirms)',
  description:
    'Success means the cancellation was accepted (CANCELING); refunds run asynchronously, query for the result.',
  method: 'POST',
  path: `${BASE}/out-bill-no/{out_bill_no}/cancel`,
  role: 'serviceProvider',
  params: pathParams,
  query: undefined,
  body: strictObject({ sub_mchid: subMchid }),
  response: PartnerTransferBillEntity,
  errors: [
    ...COMMON_ERRORS,
    documented(404, 'NOT_FOUND', '转账单不存在'),
    ASSUMED_NO_AUTH,
    assumedRateLimitError('FREQUENCY_LIMIT_EXCEED'),
  ],
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'assumed' },
  sensitive: { response: ['/user_name'] },
});
