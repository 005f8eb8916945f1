import Type from 'typebox';
import {
  amount,
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
} from './schemas.js';
import { defineOperation } from './types.js';

const BASE = '/v3/platsolution/ecommerce/recharges';
const DOC = 'https://pay.weixin.qq.com/docs/partner/apis/platsolution-mch-recharge/recharge/';

/** The recharge pages have no numeric id; their addresses are their sources. */
export const RECHARGE_APPLY_PAGE = `${DOC}apply.html` as const;
const APPLY: Sources = [RECHARGE_APPLY_PAGE];
const QUERY: Sources = [`${DOC}get-by-out-no.html`];
const CLOSE: Sources = ['seed 003'];

export const RECHARGE_STATES = ['RECHARGING', 'SUCCESS', 'CLOSED'] as const;
export const RECHARGE_SCENES = ['ECOMMERCE_DEPOSIT', 'ECOMMERCE_PAYMENT'] as const;
export const RECHARGE_ACCOUNT_TYPES = ['DEPOSIT', 'OPERATION'] as const;
export const RECHARGE_CHANNELS = ['BANK_TRANSFER', 'QR_RECHARGE', 'ONLINE_BANK'] as const;

/**
 * Seed 003 (recharge_amount: 单笔限额规则 1、银行转账最多8亿元 2、扫码充值5万元): no recharge may exceed
 * 8亿元 (80,000,000,000 fen), whatever channel pays it.
 */
export const RECHARGE_MAX_AMOUNT = 80_000_000_000;

/** Each scene credits one account (spec P2.3); the pair is checked as a cross-field rule. */
export const RECHARGE_SCENE_ACCOUNT_TYPES = {
  ECOMMERCE_DEPOSIT: 'DEPOSIT',
  ECOMMERCE_PAYMENT: 'OPERATION',
} as const satisfies Record<(typeof RECHARGE_SCENES)[number], (typeof RECHARGE_ACCOUNT_TYPES)[number]>;

/** 只能由数字、大小写字母组成, `string(64)`, on the apply, query and close pages alike. */
const outRechargeNo = (source: Sources) =>
  outNo(
    64,
    '【商户充值单号】Merchant recharge number, digits and letters only, unique within the platform',
    source,
  );
const subMchid = (source: Sources) =>
  mchid('【二级商户号】Sub-merchant number that pays the recharge', source);

const pathParams = (source: Sources) => strictObject({ out_recharge_no: outRechargeNo(source) });
const subMchidQuery = (source: Sources) => strictObject({ sub_mchid: subMchid(source) });

const optionalResponseText = (description: string) => Type.Optional(responseText(description));

export const RechargeEntity = responseObject(
  {
    sp_mchid: responseText('【平台商户号】Platform merchant number'),
    sub_mchid: responseText('【二级商户号】Sub-merchant number'),
    recharge_id: responseText('【微信支付充值单号】WeChat Pay recharge number'),
    out_recharge_no: responseText('【商户充值单号】Merchant recharge number'),
    recharge_channel: Type.Optional(
      stringEnum(RECHARGE_CHANNELS, '【充值渠道】Channel actually used; only once the recharge succeeded'),
    ),
    account_type: stringEnum(RECHARGE_ACCOUNT_TYPES, '【充值入账账户】Account credited'),
    recharge_state: stringEnum(RECHARGE_STATES, '【充值状态】Recharge state'),
    recharge_scene: stringEnum(RECHARGE_SCENES, '【充值场景】Recharge scene'),
    recharge_state_desc: optionalResponseText('【充值状态描述】Why the recharge was closed, for example'),
    recharge_amount: responseObject(
      {
        amount: Type.Integer({ description: '【总金额】Amount in fen' }),
        currency: responseText('【货币类型】Currency, CNY'),
      },
      '【充值金额】Recharge amount',
    ),
    bank_transfer_info: Type.Optional(
      responseObject(
        {
          bill_no: optionalResponseText('【银行流水号】Bank serial number'),
          memo: optionalResponseText('【转账附言】Transfer memo'),
          return_time: Type.Optional(rfc3339('【退回时间】When the funds were returned (RFC 3339)')),
          return_reason: optionalResponseText('【退回原因】Why the funds were returned'),
          bank_name: optionalResponseText('【付款银行名称】Paying bank'),
          bank_card_tail: optionalResponseText('【付款卡号尾号】Last four digits of the paying account'),
          bank_account_name: optionalResponseText('【付款户名】Paying account name'),
        },
        '【转账充值的付款信息】Bank transfer payment information',
      ),
    ),
    qr_recharge_info: Type.Optional(
      responseObject(
        {
          openid: optionalResponseText('【充值用户OpenID】The paying staff member'),
          employee_type: Type.Optional(
            stringEnum(['ADMIN', 'STAFF', 'LEGAL_PERSON'], '【员工类型】Role of the paying staff member'),
          ),
        },
        '【扫码充值的付款信息】QR recharge payment information',
      ),
    ),
    online_bank_recharge_info: Type.Optional(
      responseObject(
        {
          bill_no: optionalResponseText('【银行交易订单号】Online bank order number'),
          return_time: Type.Optional(rfc3339('【退回时间】When the funds were returned (RFC 3339)')),
          return_reason: optionalResponseText('【退回原因】Why the funds were returned'),
          bank_name: optionalResponseText('【付款银行名称】Paying bank'),
          online_bank_type: Type.Optional(
            stringEnum(
              ['ONLINE_BANK_TYPE_CORPORATE', 'ONLINE_BANK_TYPE_PERSONAL'],
              '【网银类型】Online bank type',
            ),
          ),
          bank_card_tail: optionalResponseText('【付款卡号尾号】Last four digits of the paying account'),
          bank_account_name: optionalResponseText('【付款户名】Paying account name'),
        },
        '【网银充值的付款信息】Online bank payment information',
      ),
    ),
    accept_time: Type.Optional(rfc3339('【受理充值时间】When WeChat Pay accepted the funds (RFC 3339)')),
    success_time: Type.Optional(rfc3339('【充值成功时间】When the recharge succeeded (RFC 3339)')),
    close_time: Type.Optional(rfc3339('【关闭充值时间】When the recharge was closed (RFC 3339)')),
    available_recharge_channels: Type.Optional(
      Type.Array(stringEnum(RECHARGE_CHANNELS, '【充值渠道】Channel'), {
        description: '【可用充值渠道列表】Channels allowed at apply time',
      }),
    ),
  },
  '二级商户充值单 Recharge entity',
);

const NOT_FOUND_ASSUMED = assumed(404, 'NOT_FOUND', 'No such recharge (as on the close page)');
const NO_AUTH_ASSUMED = assumed(
  403,
  'NO_AUTH',
  'Platform solution not enabled, or the sub-merchant is not bound',
);

export const rechargesApply = defineOperation({
  name: 'recharges.apply',
  family: 'recharges',
  verb: 'apply',
  summary: '申请二级商户充值 (apply for a sub-merchant recharge)',
  description:
    'Creates a recharge order for a sub-merchant; its staff pays through `recharge_url`, valid for 7 days.',
  docs: `${DOC}apply.html`,
  method: 'POST',
  path: `${BASE}/apply`,
  role: 'platform',
  params: undefined,
  query: undefined,
  body: strictObject({
    sub_mchid: subMchid(APPLY),
    out_recharge_no: outRechargeNo(APPLY),
    recharge_scene: stringEnum(
      RECHARGE_SCENES,
      '【充值场景】Deposit (保证金) or operating funds (运营资金)',
      APPLY,
    ),
    account_type: stringEnum(
      RECHARGE_ACCOUNT_TYPES,
      '【充值入账账户】Account to credit; must match the scene',
      APPLY,
    ),
    // amount and currency are 选填 on the apply page: the SDK leaves it to WeChat Pay to ask for them.
    recharge_amount: strictObject(
      {
        amount: Type.Optional(
          amount(
            '【总金额】Amount in fen; at most 8亿元 (by bank transfer; a QR recharge takes at most 5万元)',
            {
              value: RECHARGE_MAX_AMOUNT,
              source: CLOSE,
            },
          ),
        ),
        currency: Type.Optional(
          knownValues(['CNY'], '【货币类型】Currency; 人民币为CNY', {
            required: false,
            maxLength: 16,
            source: APPLY,
          }),
        ),
      },
      '【充值金额】Recharge amount in fen (the page: 仅支持CNY)',
    ),
    notify_url: optionalText(1024, '【商户回调地址】HTTPS URL without query for RECHARGE.* events', APPLY),
    available_recharge_channels: Type.Optional(
      Type.Array(stringEnum(RECHARGE_CHANNELS, '【充值渠道】Channel', APPLY), {
        description: '【可用充值渠道列表】Channels the payer may use; all when absent',
      }),
    ),
    remark: optionalText(20, '【充值备注】Shown on the recharge page, at most 20 characters', APPLY),
  }),
  response: responseObject({
    recharge_id: responseText('【微信支付充值单号】WeChat Pay recharge number'),
    out_recharge_no: responseText('【商户充值单号】Merchant recharge number'),
    recharge_url: responseText('【充值链接】Payment page for the sub-merchant, valid for 7 days'),
  }),
  errors: [...COMMON_ERRORS, NO_AUTH_ASSUMED, assumedRateLimitError('FREQUENCY_LIMITED')],
  rateLimit: { perSecond: 50, code: 'FREQUENCY_LIMITED', source: 'assumed' },
});

export const rechargesGet = defineOperation({
  name: 'recharges.get',
  family: 'recharges',
  verb: 'get',
  summary: '商户充值单号查询二级商户充值 (query a recharge by merchant number)',
  description: 'Returns the recharge of the given sub-merchant.',
  docs: `${DOC}get-by-out-no.html`,
  method: 'GET',
  path: `${BASE}/out-recharge-no/{out_recharge_no}`,
  role: 'platform',
  params: pathParams(QUERY),
  query: subMchidQuery(QUERY),
  body: undefined,
  response: RechargeEntity,
  errors: [...COMMON_ERRORS, NOT_FOUND_ASSUMED, NO_AUTH_ASSUMED, assumedRateLimitError('FREQUENCY_LIMITED')],
  rateLimit: { perSecond: 100, code: 'FREQUENCY_LIMITED', source: 'assumed' },
});

export const rechargesClose = defineOperation({
  name: 'recharges.close',
  family: 'recharges',
  verb: 'close',
  summary: '关闭二级商户充值 (close a sub-merchant recharge)',
  description: 'Closes an unpaid recharge. No body: `sub_mchid` goes in the query string.',
  docs: `${DOC}close.html`,
  method: 'POST',
  path: `${BASE}/out-recharge-no/{out_recharge_no}/close`,
  role: 'platform',
  params: pathParams(CLOSE),
  query: subMchidQuery(CLOSE),
  body: undefined,
  response: RechargeEntity,
  errors: [
    ...COMMON_ERRORS,
    documented(404, 'NOT_FOUND', '充值单不存在'),
    documented(403, 'NO_AUTH', '服务商未开通平台收付通'),
    documented(429, 'FREQUENCY_LIMITED', '频率超限'),
  ],
  rateLimit: { perSecond: 50, code: 'FREQUENCY_LIMITED', source: 'assumed' },
});
