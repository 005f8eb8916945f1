import Type from 'typebox';
import {
  ASSUMED_NO_AUTH,
  COMMON_ERRORS,
  documented,
  knownValues,
  optionalText,
  responseObject,
  responseText,
  rfc3339,
  strictObject,
  stringEnum,
  text,
} from './schemas.js';
import { TRANSFER_SCENE_IDS, TRANSFER_SCENE_IDS_MENTIONED } from './transfer-scenes.js';
import { defineOperation } from './types.js';

const BASE = '/v3/fund-app/mch-transfer/user-confirm-authorization';
const DOC = 'https://pay.weixin.qq.com/doc/v3/merchant/';

export const AUTHORIZATION_STATES = ['WAIT_USER_CONFIRM', 'TAKING_EFFECT', 'CLOSED'] as const;
export const AUTHORIZATION_CLOSE_REASONS = [
  'CLOSE_VIA_MCH_API',
  'USER_CLOSE',
  'USER_OVERDUE_UNCONFIRMED',
  'TRANSFER_RISK',
  'USER_ACCOUNT_ABNORMAL',
] as const;

const RATE_LIMIT_ERROR = documented(429, 'RATELIMIT_EXCEEDED', '频率超限');
const NOT_FOUND = documented(404, 'NOT_FOUND', '免确认收款授权不存在');

/** `string(32)` on the apply, query and close pages; none of them restricts its characters. */
const outAuthorizationNo = text(
  32,
  '【商户侧授权单号】Merchant authorization number, unique within the merchant',
  ['seed 000', 'seed 001', 'DOC 4015901167'],
);

/** Apply page body table [DOC 4015901167]. */
const APPLY: ['DOC 4015901167'] = ['DOC 4015901167'];

const pathParams = strictObject({ out_authorization_no: outAuthorizationNo });

const closeInfo = responseObject(
  {
    close_time: rfc3339('【关闭时间】Close time (RFC 3339)'),
    close_reason: stringEnum(
      AUTHORIZATION_CLOSE_REASONS,
      '【免确认收款授权的原因】Why the authorization was closed',
    ),
  },
  '【免确认收款授权的关闭信息】Close information, present when the state is CLOSED',
);

const entityFields = {
  out_authorization_no: responseText('【商户侧授权单号】Merchant authorization number'),
  appid: responseText('【商户AppID】AppID'),
  openid: responseText('【收款用户OpenID】The user under the AppID'),
  user_display_name: responseText('【用户展示昵称】Nickname shown in the authorization details'),
  state: stringEnum(AUTHORIZATION_STATES, '【授权状态】Authorization state'),
  close_info: Type.Optional(closeInfo),
  transfer_scene_id: Type.Optional(responseText('【转账场景ID】Transfer scene the authorization covers')),
  user_recv_perception: Type.Optional(responseText('【用户收款感知】Receiving reason shown to the user')),
  create_time: Type.Optional(rfc3339('【单据创建时间】When the merchant applied (RFC 3339)')),
};

const authorizationId = responseText(
  '【微信免确认收款授权单号】WeChat Pay authorization number, once the user agreed',
);
const authorizeTime = rfc3339('【用户确认授权的时间】When the user agreed (RFC 3339)');

/** The query page (seed 001): `authorization_id` and `authorize_time` exist only once the user agreed. */
export const AuthorizationEntity = responseObject(
  {
    ...entityFields,
    authorization_id: Type.Optional(authorizationId),
    authorize_time: Type.Optional(authorizeTime),
  },
  '免确认收款授权 Authorization entity',
);

/**
 * The close page (seed 000) marks `authorization_id` and `authorize_time` as required, but an authorization closed
 * before the user agreed has neither (the emulator allows that close; see docs/fidelity.md), so both stay optional.
 */
export const ClosedAuthorizationEntity = AuthorizationEntity;

export const authorizationsApply = defineOperation({
  name: 'authorizations.apply',
  family: 'authorizations',
  verb: 'apply',
  summary: '申请免确认收款授权 (apply for a user-confirm-free receiving authorization)',
  description:
    'Creates an authorization request; hand `package_info` to the client so the user can agree in WeChat ' +
    'within 24 hours. Once in effect, transfers to that user need no per-transfer confirmation.',
  docs: `${DOC}4015901167`,
  method: 'POST',
  path: BASE,
  role: 'merchant',
  params: undefined,
  query: undefined,
  body: strictObject({
    out_authorization_no: outAuthorizationNo,
    appid: text(32, '【商户AppID】AppID the openid belongs to', APPLY),
    openid: text(64, '【收款用户OpenID】The user under the AppID', APPLY),
    transfer_scene_id: knownValues(
      [...TRANSFER_SCENE_IDS, ...TRANSFER_SCENE_IDS_MENTIONED],
      '【转账场景ID】Transfer scene the authorization covers, as applied for in the merchant platform ' +
        '(e.g. 1000 现金营销, 1006 企业报销)',
      { required: true, maxLength: 36, source: APPLY },
    ),
    user_display_name: text(32, '【用户展示名称】Account name shown in the authorization details', APPLY),
    user_recv_perception: optionalText(256, '【用户收款感知】Receiving reason shown to the user', APPLY),
    authorization_notify_url: text(
      256,
      '【授权结果通知地址】HTTPS URL without query for authorization events',
      APPLY,
    ),
    scene_info: Type.Optional(
      strictObject(
        {
          client_ip: optionalText(45, '【用户终端IP】Client IP address (IPv4 or IPv6)', APPLY),
          device_id: optionalText(128, '【用户设备ID】Device id', APPLY),
          device_type: Type.Optional(
            stringEnum(['IOS', 'ANDROID', 'HARMONY', 'OTHER'], '【用户设备类型】Device type', APPLY),
          ),
        },
        '【场景信息】Scene information',
      ),
    ),
  }),
  response: responseObject({
    out_authorization_no: responseText('【商户侧授权单号】Merchant authorization number'),
    state: stringEnum(AUTHORIZATION_STATES, '【授权状态】Authorization state, WAIT_USER_CONFIRM on success'),
    create_time: rfc3339('【单据创建时间】When the application was accepted (RFC 3339)'),
    package_info: responseText(
      '【跳转领取页面的package信息】Opaque package for the client-side confirm call',
    ),
  }),
  errors: [...COMMON_ERRORS, RATE_LIMIT_ERROR, ASSUMED_NO_AUTH],
  rateLimit: { perSecond: 50, code: 'RATELIMIT_EXCEEDED', source: 'documented' },
});

export const authorizationsGet = defineOperation({
  name: 'authorizations.get',
  family: 'authorizations',
  verb: 'get',
  summary: '商户单号查询授权结果 (query an authorization by merchant number)',
  description: 'Returns the authorization. Records closed as overdue stay queryable for 30 days.',
  docs: `${DOC}4014399423`,
  method: 'GET',
  path: `${BASE}/out-authorization-no/{out_authorization_no}`,
  role: 'merchant',
  params: pathParams,
  query: undefined,
  body: undefined,
  response: AuthorizationEntity,
  errors: [...COMMON_ERRORS, NOT_FOUND, RATE_LIMIT_ERROR, ASSUMED_NO_AUTH],
  rateLimit: { perSecond: 100, code: 'RATELIMIT_EXCEEDED', source: 'documented' },
});

export const authorizationsClose = defineOperation({
  name: 'authorizations.close',
  family: 'authorizations',
  verb: 'close',
  summary: '解除免确认收款授权 (close an authorization by merchant number)',
  description: 'Closes the authorization (close_reason CLOSE_VIA_MCH_API). The request has no body.',
  docs: `${DOC}4015653811`,
  method: 'POST',
  path: `${BASE}/out-authorization-no/{out_authorization_no}/close`,
  role: 'merchant',
  params: pathParams,
  query: undefined,
  body: undefined,
  response: ClosedAuthorizationEntity,
  errors: [...COMMON_ERRORS, NOT_FOUND, RATE_LIMIT_ERROR, ASSUMED_NO_AUTH],
  rateLimit: { perSecond: 50, code: 'RATELIMIT_EXCEEDED', source: 'documented' },
});
