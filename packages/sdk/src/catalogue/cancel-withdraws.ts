import Type from 'typebox';
import {
  anyText,
  assumed,
  assumedRateLimitError,
  COMMON_ERRORS,
  documented,
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

/** Partner pages: apply, the two queries, the pre-check; confirm is seed 002. */
const APPLY: Sources = ['DOC 4013892756'];
const VALIDATE: Sources = ['DOC 4016420099'];
const CONFIRM: Sources = ['seed 002'];

const subMchidDescription = '【二级商户号】Sub-merchant number to cancel';
/**
 * The apply page: 必须仅包含大小写字母与数字, `string(32)`. The query and confirm pages take the number the apply
 * call was given, so the same characters are all they can ever be passed.
 */
const outRequestNo = (source: Sources) =>
  outNo(32, '【商户注销申请单号】Merchant application number, digits and letters only', [
    ...APPLY,
    ...source,
  ]);
const applymentIdDescription = '【微信支付注销单号】WeChat Pay application number';

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
  params: strictObject({ sub_mchid: mchid(subMchidDescription, VALIDATE) }),
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
    sub_mchid: mchid(subMchidDescription, APPLY),
    out_request_no: outRequestNo(APPLY),
    withdraw: Type.Optional(
      stringEnum(WITHDRAW_OPTIONS, '【是否提取资金】Cancel and pay out, or cancel only', APPLY),
    ),
    payee_info: Type.Optional(
      strictObject(
        {
          account_type: stringEnum(
            ['ACCOUNT_TYPE_CORPORATE', 'ACCOUNT_TYPE_PERSONAL'],
            '【账户类型】Corporate or personal account',
            APPLY,
          ),
          bank_account_info: strictObject(
            {
              account_name: text(2048, '【开户名称】Account name; plaintext, the SDK encrypts it', APPLY),
              account_bank: text(128, '【开户银行】Bank', APPLY),
              bank_branch_id: optionalText(128, '【开户银行联行号】Branch id', APPLY),
              bank_branch_name: optionalText(128, '【开户银行全称（含支行）】Branch name', APPLY),
              account_number: text(2048, '【银行账号】Account number; plaintext, the SDK encrypts it', APPLY),
            },
            '【银行账户】Bank account',
          ),
          // The three members are 选填 in the table and 必填 for a personal account: a cross-field rule.
          identity_info: Type.Optional(
            strictObject(
              {
                id_doc_type: Type.Optional(
                  stringEnum(ID_DOC_TYPES, '【证件类型】Identity document type', APPLY),
                ),
                identification_name: optionalText(
                  2048,
                  '【证件姓名】Name on the document; plaintext, encrypted',
                  APPLY,
                ),
                identification_no: optionalText(
                  2048,
                  '【证件号码】Document number; plaintext, encrypted',
                  APPLY,
                ),
              },
              '【收款人账号对应的证件信息】Identity, required for personal accounts',
            ),
          ),
        },
        '【收款账号信息】Payee account, needed with APPLY_WITHDRAW',
      ),
    ),
    proof_medias: Type.Optional(
      Type.Array(
        strictObject({
          proof_media_type: stringEnum(['WITHDRAWAL_APPLICATION'], '【付款申请材料类型】Proof type', APPLY),
          proof_media: text(1024, '【证明材料照片】media_id of an uploaded image', APPLY),
        }),
        { description: '【付款申请材料】Proof documents, for revoked licences and public bodies' },
      ),
    ),
    additional_materials: Type.Optional(
      Type.Array(anyText('media_id'), {
        maxItems: 10,
        description: '【其他补充材料】Up to 10 media_ids (最多可上传10张图片)',
        source: APPLY,
      }),
    ),
    remark: optionalText(32, '【备注】Passed to the receiving bank', APPLY),
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
  params: strictObject({ out_request_no: outRequestNo(['DOC 4013892759']) }),
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
  params: strictObject({ applyment_id: text(32, applymentIdDescription, ['DOC 4013892765']) }),
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
    // Both 选填; at least one of the two is a cross-field rule (二选一传入).
    applyment_id: optionalText(32, applymentIdDescription, CONFIRM),
    out_request_no: Type.Optional(outRequestNo(CONFIRM)),
    sub_mchid: mchid('【申请注销的二级商户号】Sub-merchant number being cancelled', CONFIRM),
    // 支持包含大小写字母、数字和汉字 says what the field supports, not that nothing else is accepted.
    operator_identification: text(
      100,
      '【平台确认操作人标识】Platform staff id kept as evidence (letters, digits and Chinese characters are supported)',
      CONFIRM,
    ),
    confirm_time: rfc3339(
      '【注销确认时间】When the sub-merchant agreed to the cancellation terms (RFC 3339)',
      CONFIRM,
    ),
    cancel_contract_version: text(
      32,
      '【注销协议版本号】Version of 《微信支付注销申请书》, e.g. V20241213',
      CONFIRM,
    ),
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
