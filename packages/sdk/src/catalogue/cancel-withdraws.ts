import Type from 'typebox';
import {
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
import { defineOperation } from './types.js';

const BASE = '/v3/ecommerce/account/apply-cancel-withdraw';
const DOC = 'https://pay.weixin.qq.com/doc/v3/partner/';

export const CANCEL_STATES = [
  'ACCEPTED',
  'REVIEWING',
  'REJECTED',
  'WAITING_MERCHANT_CONFIRM',
  'REVOKED',
  'SYSTEM_PROCESSING',
  'CANCELED',
  'FUND_PROCESSING',
  'FINISH',
] as const;
export const WITHDRAW_STATES = ['WITHDRAW_PROCESSING', 'WITHDRAW_EXCEPTION', 'WITHDRAW_SUCCEED'] as const;
export const WITHDRAW_OPTIONS = ['APPLY_WITHDRAW', 'NOT_APPLY_WITHDRAW'] as const;
export const OUT_ACCOUNT_TYPES = [
  'BASIC_ACCOUNT',
  'OPERATE_ACCOUNT',
  'MARGIN_ACCOUNT',
  'TRADE_FEE_ACCOUNT',
] as const;
export const ID_DOC_TYPES = [
  'IDENTIFICATION_TYPE_ID_CARD',
  'IDENTIFICATION_TYPE_OVERSEA_PASSPORT',
  'IDENTIFICATION_TYPE_HONGKONG_PASSPORT',
  'IDENTIFICATION_TYPE_MACAO_PASSPORT',
  'IDENTIFICATION_TYPE_TAIWAN_PASSPORT',
  'IDENTIFICATION_TYPE_FOREIGN_RESIDENT',
  'IDENTIFICATION_TYPE_HONGKONG_MACAO_RESIDENT',
  'IDENTIFICATION_TYPE_TAIWAN_RESIDENT',
] as const;

const subMchid = mchid('【二级商户号】Sub-merchant number to cancel');
const outRequestNo = outNo(32, '【商户注销申请单号】Merchant application number, digits and letters only');
const applymentId = text(32, '【微信支付注销单号】WeChat Pay application number');

/** Rates are not documented for this family; these are the emulator's defaults. */
const RATE_CODE = 'FREQUENCY_LIMITED';
const RATE_LIMIT_ERROR = assumedRateLimitError(RATE_CODE);
const NO_AUTH = assumed(
  403,
  'NO_AUTH',
  'The caller is not a platform, or the sub-merchant is not bound to it',
);
const NOT_FOUND = assumed(404, 'NOT_FOUND', 'No such cancellation application');

const accountInfo = Type.Array(
  responseObject({
    out_account_type: responseText('【出款账户类型】Account type, e.g. BASIC_ACCOUNT'),
    amount: Type.Integer({ description: '【金额】Balance in fen' }),
  }),
  { description: '【账户信息】Balances per account' },
);

export const CancelWithdrawApplicationEntity = responseObject(
  {
    applyment_id: responseText('【微信支付注销单号】WeChat Pay application number'),
    out_request_no: responseText('【商户注销申请单号】Merchant application number'),
    sub_mchid: responseText('【二级商户号】Sub-merchant number'),
    cancel_state: stringEnum(CANCEL_STATES, '【注销状态】Cancellation state'),
    cancel_state_description: responseText('【注销状态描述】State description'),
    withdraw: Type.Optional(stringEnum(WITHDRAW_OPTIONS, '【是否提现】Whether balances are paid out')),
    withdraw_state: Type.Optional(stringEnum(WITHDRAW_STATES, '【提现状态】Withdrawal state')),
    withdraw_state_description: Type.Optional(responseText('【提现状态描述】Withdrawal state description')),
    account_withdraw_result: Type.Optional(
      Type.Array(
        responseObject({
          out_account_type: stringEnum(OUT_ACCOUNT_TYPES, '【出款账户类型】Account paid out'),
          pay_state: stringEnum(
            ['PAY_PROCESSING', 'PAY_SUCCEED', 'PAY_FAIL', 'BANK_REFUNDED'],
            '【出款状态】Payout state',
          ),
          state_description: Type.Optional(responseText('【出款状态描述】Payout state description')),
        }),
        { description: '【账户提现结果】Payout result per account' },
      ),
    ),
    modify_time: Type.Optional(rfc3339('【最后修改时间】Last change (RFC 3339)')),
    account_info: Type.Optional(accountInfo),
    confirm_cancel: Type.Optional(
      responseObject(
        {
          confirm_cancel_url: responseText(
            '【确认注销链接】Turn into a QR code for a sub-merchant staff member to scan in WeChat',
          ),
        },
        '【商户确认注销信息】Only in WAITING_MERCHANT_CONFIRM',
      ),
    ),
  },
  '注销提现申请单 Cancellation application entity',
);

export const cancelWithdrawsValidate = defineOperation({
  name: 'cancelWithdraws.validate',
  family: 'cancelWithdraws',
  verb: 'validate',
  summary: '二级商户注销前置校验 (pre-check whether a sub-merchant may be cancelled)',
  description: 'Reports whether the sub-merchant may apply for cancellation and, if not, why.',
  docs: `${DOC}4016420099`,
  method: 'GET',
  path: `${BASE}/validate-cancel/{sub_mchid}`,
  role: 'platform',
  params: strictObject({ sub_mchid: subMchid }),
  query: undefined,
  body: undefined,
  response: responseObject({
    sub_mchid: responseText('【二级商户号】Sub-merchant number'),
    merchant_state: stringEnum(['NORMAL', 'HAS_BEEN_CANCELLED'], '【商户状态】Merchant state'),
    validate_result: stringEnum(
      ['ALLOW_CANCEL_WITHDRAW', 'NOT_ALLOW_CANCEL_WITHDRAW'],
      '【校验结果】Whether cancellation may be applied for',
    ),
    account_info: Type.Optional(accountInfo),
    block_reasons: Type.Optional(
      Type.Array(
        responseObject({
          type: stringEnum(
            [
              'CONSUMER_COMPLAINT_UNPROCESSED',
              'HAS_BLOCKING_CONTROL',
              'FUNDS_PENDING_PROCESSING',
              'OTHER_REASON',
            ],
            '【阻断类型】Blocking reason type',
          ),
          description: Type.Optional(responseText('【阻断原因描述】Blocking reason')),
        }),
        { description: '【阻断原因】Why cancellation is not allowed' },
      ),
    ),
  }),
  errors: [...COMMON_ERRORS, NO_AUTH, RATE_LIMIT_ERROR],
  rateLimit: { perSecond: 50, code: RATE_CODE, source: 'assumed' },
});

export const cancelWithdrawsApply = defineOperation({
  name: 'cancelWithdraws.apply',
  family: 'cancelWithdraws',
  verb: 'apply',
  summary: '提交注销申请单 (apply for sub-merchant cancellation with withdrawal)',
  description:
    'Creates a cancellation application. Payee names and numbers are passed as plaintext and encrypted by ' +
    'the SDK. Same number and content again is an idempotent success.',
  docs: `${DOC}4013892756`,
  method: 'POST',
  path: BASE,
  role: 'platform',
  params: undefined,
  query: undefined,
  body: strictObject({
    sub_mchid: subMchid,
    out_request_no: outRequestNo,
    withdraw: Type.Optional(stringEnum(WITHDRAW_OPTIONS, '【是否提现】Cancel and pay out, or cancel only')),
    payee_info: Type.Optional(
      strictObject(
        {
          account_type: stringEnum(
            ['ACCOUNT_TYPE_CORPORATE', 'ACCOUNT_TYPE_PERSONAL'],
            '【账户类型】Corporate or personal account',
          ),
          bank_account_info: strictObject(
            {
              account_name: text(2048, '【开户名称】Account name; plaintext, the SDK encrypts it'),
              account_bank: text(128, '【开户银行】Bank'),
              bank_branch_id: Type.Optional(text(128, '【开户银行联行号】Branch id')),
              bank_branch_name: Type.Optional(text(128, '【开户银行全称（含支行）】Branch name')),
              account_number: text(2048, '【银行账号】Account number; plaintext, the SDK encrypts it'),
            },
            '【银行账户信息】Bank account',
          ),
          identity_info: Type.Optional(
            strictObject(
              {
                id_doc_type: stringEnum(ID_DOC_TYPES, '【证件类型】Identity document type'),
                identification_name: text(2048, '【证件姓名】Name on the document; plaintext, encrypted'),
                identification_no: text(2048, '【证件号码】Document number; plaintext, encrypted'),
              },
              '【身份信息】Identity, required for personal accounts',
            ),
          ),
        },
        '【收款账户信息】Payee account, needed with APPLY_WITHDRAW',
      ),
    ),
    proof_medias: Type.Optional(
      Type.Array(
        strictObject({
          proof_media_type: stringEnum(['WITHDRAWAL_APPLICATION'], '【证明材料类型】Proof type'),
          proof_media: text(1024, '【证明材料】media_id of an uploaded image'),
        }),
        { minItems: 1, description: '【证明材料】Proof documents, for revoked licences and public bodies' },
      ),
    ),
    additional_materials: Type.Optional(
      Type.Array(text(1024, 'media_id'), { maxItems: 10, description: '【补充材料】Up to 10 media_ids' }),
    ),
    remark: Type.Optional(text(32, '【备注】Passed to the receiving bank')),
  }),
  response: responseObject({
    applyment_id: responseText('【微信支付注销单号】WeChat Pay application number'),
    out_request_no: responseText('【商户注销申请单号】Merchant application number'),
  }),
  errors: [
    ...COMMON_ERRORS,
    {
      ...documented(400, 'BIZ_ERR_NEED_RETRY', 'Retry later with the same request (page text not captured)'),
      retryable: true,
    },
    documented(400, 'ALREADY_EXISTS', 'out_request_no already used: use a new one (page text not captured)'),
    NO_AUTH,
    RATE_LIMIT_ERROR,
  ],
  rateLimit: { perSecond: 20, code: RATE_CODE, source: 'assumed' },
  sensitive: {
    request: [
      '/payee_info/bank_account_info/account_name',
      '/payee_info/bank_account_info/account_number',
      '/payee_info/identity_info/identification_name',
      '/payee_info/identity_info/identification_no',
    ],
  },
  wechatpaySerial: 'required',
});

export const cancelWithdrawsGet = defineOperation({
  name: 'cancelWithdraws.get',
  family: 'cancelWithdraws',
  verb: 'get',
  summary: '商户注销申请单号查询申请单 (query an application by merchant number)',
  description:
    'Returns the application; `confirm_cancel.confirm_cancel_url` while awaiting merchant confirmation.',
  docs: `${DOC}4013892759`,
  method: 'GET',
  path: `${BASE}/out-request-no/{out_request_no}`,
  role: 'platform',
  params: strictObject({ out_request_no: outRequestNo }),
  query: undefined,
  body: undefined,
  response: CancelWithdrawApplicationEntity,
  errors: [...COMMON_ERRORS, NOT_FOUND, NO_AUTH, RATE_LIMIT_ERROR],
  rateLimit: { perSecond: 50, code: RATE_CODE, source: 'assumed' },
});

export const cancelWithdrawsGetByApplymentId = defineOperation({
  name: 'cancelWithdraws.getByApplymentId',
  family: 'cancelWithdraws',
  verb: 'getByApplymentId',
  summary: '微信支付注销单号查询申请单 (query an application by WeChat Pay number)',
  description: 'Returns the application by its applyment_id.',
  docs: `${DOC}4013892765`,
  method: 'GET',
  path: `${BASE}/applyment-id/{applyment_id}`,
  role: 'platform',
  params: strictObject({ applyment_id: applymentId }),
  query: undefined,
  body: undefined,
  response: CancelWithdrawApplicationEntity,
  errors: [...COMMON_ERRORS, NOT_FOUND, NO_AUTH, RATE_LIMIT_ERROR],
  rateLimit: { perSecond: 50, code: RATE_CODE, source: 'assumed' },
});

export const cancelWithdrawsConfirm = defineOperation({
  name: 'cancelWithdraws.confirm',
  family: 'cancelWithdraws',
  verb: 'confirm',
  summary: '平台代商户确认注销 (platform confirms the cancellation for the sub-merchant)',
  description:
    'Valid while the application is WAITING_MERCHANT_CONFIRM. Pass `applyment_id` or `out_request_no` ' +
    '(at least one; both must name the same application). Repeating it succeeds again.',
  docs: `${DOC}4013892772`,
  method: 'POST',
  path: `${BASE}/confirm`,
  role: 'platform',
  params: undefined,
  query: undefined,
  body: strictObject({
    applyment_id: Type.Optional(applymentId),
    out_request_no: Type.Optional(outRequestNo),
    sub_mchid: mchid('【申请注销的二级商户号】Sub-merchant number being cancelled'),
    operator_identification: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[0-9A-Za-z\\u4e00-\\u9fff]+$',
      description:
        '【平台确认操作人标识】Platform staff id kept as evidence; letters, digits and Chinese characters',
    }),
    confirm_time: rfc3339(
      '【注销确认时间】When the sub-merchant agreed to the cancellation terms (RFC 3339)',
    ),
    cancel_contract_version: text(32, '【注销协议版本号】Version of 《微信支付注销申请书》, e.g. V20241213'),
  }),
  response: responseObject({
    applyment_id: Type.Optional(responseText('【微信支付注销提现申请单号】WeChat Pay application number')),
    sub_mchid: Type.Optional(responseText('【申请注销的二级商户号】Sub-merchant number')),
    out_request_no: Type.Optional(responseText('【商户注销申请单号】Merchant application number')),
  }),
  errors: [
    ...COMMON_ERRORS,
    documented(400, 'NO_AUTH', '请求非法'),
    documented(403, 'RULE_LIMIT', '无需确认'),
    NOT_FOUND,
    RATE_LIMIT_ERROR,
  ],
  rateLimit: { perSecond: 20, code: RATE_CODE, source: 'assumed' },
});
