import Type from 'typebox';
import {
  assumed,
  COMMON_ERRORS,
  documented,
  outNo,
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
  TRANSFER_BILL_STATES,
  transferFields,
  userRecvStyle,
} from './transfer-bills.js';
import { defineOperation } from './types.js';

/**
 * The ordinary-merchant (普通商户) face of 商家转账 in user-confirm mode [DOC 4012716434, 4012716437, 4012716457,
 * 4012716458]. The same bills as the partner face, with the documented differences: no `sub_mchid`, `mch_id` with
 * an underscore in queries, a cancel without body, a create answer whose `package_info` appears only in
 * WAIT_USER_CONFIRM.
 */
export const MERCHANT_TRANSFER_BILLS_PATH = '/v3/fund-app/mch-transfer/transfer-bills';
export const MERCHANT_DOC = 'https://pay.weixin.qq.com/doc/v3/merchant/';

/** 只能由数字、大小写字母组成, `string(32)` on the query and cancel pages. */
const outBillNo = outNo(
  32,
  '【商户单号】Merchant bill number, digits and letters only, unique within the merchant',
  ['DOC 4012716437', 'DOC 4012716458'],
);

/** The merchant create page [DOC 4012716434]: the partner fields without `sub_mchid` (the merchant pays itself). */
const CREATE: Sources = ['DOC 4012716434'];

/** The 429 codes the merchant transfer pages list. */
export const TRANSFER_RATE_LIMIT_ERRORS = [
  documented(
    429,
    'FREQUENCY_LIMIT_EXCEED',
    '频率超限：接口请求频率超限，当前请求结果不明确，请降低请求接口频率后，使用相同参数重试',
  ),
  documented(
    429,
    'RATELIMIT_EXCEEDED',
    '频率超限：接口或同一单号请求频率超限，请降低请求接口频率，使用相同参数重试',
  ),
];

export const MERCHANT_NO_AUTH = documented(403, 'NO_AUTH', '没有相关权限');
export const NOT_ENOUGH = documented(403, 'NOT_ENOUGH', '资金不足');
export const ALREADY_EXISTS = documented(
  400,
  'ALREADY_EXISTS',
  '订单已存在：单据状态已经到终态，无法发起转账，请通过查单接口确认转账结果',
);

/** The merchant bill as T2/T3 and A5 answer it: the partner entity with `mch_id` (underscore) for its two numbers. */
const { sub_mchid: _sub, mchid: _sp, ...billFields } = PartnerTransferBillEntity.properties;
export const MerchantTransferBillEntity = responseObject(
  { mch_id: responseText('【商户号】Merchant number'), ...billFields },
  '商家转账单 Merchant transfer bill entity',
);

const queryErrors = [
  ...COMMON_ERRORS,
  MERCHANT_NO_AUTH,
  documented(404, 'NOT_FOUND', '记录不存在：查询的转账单不存在'),
  documented(429, 'FREQUENCY_LIMITED', '频率超限：请求量不要超过接口调用频率限制'),
  ...TRANSFER_RATE_LIMIT_ERRORS,
];

export const transferBillsCreate = defineOperation({
  name: 'transferBills.create',
  family: 'transferBills',
  verb: 'create',
  summary: '发起转账 (create a transfer bill in user-confirm mode)',
  description:
    'Creates a bill the user confirms in WeChat. `package_info` comes back while the bill is WAIT_USER_CONFIRM: ' +
    'repeat the same request (same out_bill_no, same body) to get it. After any non-200 answer, query the bill ' +
    'before considering a new `out_bill_no`.',
  docs: `${MERCHANT_DOC}4012716434`,
  method: 'POST',
  path: MERCHANT_TRANSFER_BILLS_PATH,
  role: 'merchant',
  params: undefined,
  query: undefined,
  body: strictObject({ ...transferFields(CREATE), user_recv_style: userRecvStyle }),
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
  }),
  errors: [
    ...COMMON_ERRORS,
    MERCHANT_NO_AUTH,
    NOT_ENOUGH,
    ...TRANSFER_RATE_LIMIT_ERRORS,
    documented(
      429,
      'FREQUENCY_LIMIT',
      '频率超限：接口或同一单号请求频率超限，请降低请求接口频率，使用相同参数重试',
    ),
    ALREADY_EXISTS,
  ],
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMIT_EXCEED', source: 'documented' },
  sensitive: { request: ['/user_name'] },
  wechatpaySerial: 'optional',
});

export const transferBillsGet = defineOperation({
  name: 'transferBills.get',
  family: 'transferBills',
  verb: 'get',
  summary: '商户单号查询转账单 (query a transfer bill by merchant number)',
  description: 'Returns the bill; only bills of the last 30 days. `user_name` comes back encrypted.',
  docs: `${MERCHANT_DOC}4012716437`,
  method: 'GET',
  path: `${MERCHANT_TRANSFER_BILLS_PATH}/out-bill-no/{out_bill_no}`,
  role: 'merchant',
  params: strictObject({ out_bill_no: outBillNo }),
  query: undefined,
  body: undefined,
  response: MerchantTransferBillEntity,
  errors: queryErrors,
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMITED', source: 'documented' },
  sensitive: { response: ['/user_name'] },
});

export const transferBillsGetByTransferBillNo = defineOperation({
  name: 'transferBills.getByTransferBillNo',
  family: 'transferBills',
  verb: 'getByTransferBillNo',
  summary: '微信单号查询转账单 (query a transfer bill by WeChat Pay number)',
  description: 'Returns the bill; only bills of the last 30 days. `user_name` comes back encrypted.',
  docs: `${MERCHANT_DOC}4012716457`,
  method: 'GET',
  path: `${MERCHANT_TRANSFER_BILLS_PATH}/transfer-bill-no/{transfer_bill_no}`,
  role: 'merchant',
  params: strictObject({
    transfer_bill_no: text(64, '【微信转账单号】WeChat Pay transfer bill number', ['DOC 4012716457']),
  }),
  query: undefined,
  body: undefined,
  response: MerchantTransferBillEntity,
  errors: queryErrors,
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMITED', source: 'documented' },
  sensitive: { response: ['/user_name'] },
});

export const transferBillsCancel = defineOperation({
  name: 'transferBills.cancel',
  family: 'transferBills',
  verb: 'cancel',
  summary: '撤销转账 (cancel a transfer before the user confirms)',
  description:
    'Success means the cancellation was accepted (CANCELING); refunds run asynchronously, query for the result. ' +
    'The request has no body.',
  docs: `${MERCHANT_DOC}4012716458`,
  method: 'POST',
  path: `${MERCHANT_TRANSFER_BILLS_PATH}/out-bill-no/{out_bill_no}/cancel`,
  role: 'merchant',
  params: strictObject({ out_bill_no: outBillNo }),
  query: undefined,
  body: undefined,
  response: responseObject({
    out_bill_no: responseText('【商户单号】Merchant bill number'),
    transfer_bill_no: responseText('【微信转账单号】WeChat Pay transfer bill number'),
    state: stringEnum(TRANSFER_BILL_STATES, '【单据状态】CANCELING or CANCELLED'),
    update_time: rfc3339('【最后一次单据状态变更时间】Last state change (RFC 3339)'),
  }),
  errors: [
    ...COMMON_ERRORS,
    assumed(404, 'NOT_FOUND', '转账单不存在 (as on the query pages)'),
    ...TRANSFER_RATE_LIMIT_ERRORS,
  ],
  // 撤销转账接口限频为 20 次/秒 [FAQ 4013778940].
  rateLimit: { perSecond: 20, code: 'FREQUENCY_LIMIT_EXCEED', source: 'documented' },
});
