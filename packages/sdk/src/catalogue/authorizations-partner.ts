import { AuthorizationEntity, authorizationsApply, ClosedAuthorizationEntity } from './authorizations.js';
import { ASSUMED_NO_AUTH, assumed, COMMON_ERRORS, strictObject, text } from './schemas.js';
import { defineOperation } from './types.js';

/**
 * The service-provider (普通服务商) twins of the authorization operations [partner DOC 4016809861, 4016809859,
 * 4016809851; IM]. They differ from the merchant pages in the path (plural, no `out-authorization-no/` segment)
 * and in the callback field, `notify_url`. The pages show no `sub_mchid`: the authorization belongs to the
 * service provider that applied.
 */
const BASE = '/v3/fund-app/mch-transfer/partner/user-confirm-authorizations';
const DOC = 'https://pay.weixin.qq.com/doc/v3/partner/';

/** `string(32)` on the query and close pages; neither restricts its characters. */
const pathParams = strictObject({
  out_authorization_no: text(32, '【商户侧授权单号】Merchant authorization number', [
    'DOC 4016809859',
    'DOC 4016809851',
  ]),
});

const errors = [
  ...COMMON_ERRORS,
  assumed(404, 'NOT_FOUND', '免确认收款授权不存在 (as on the merchant twin page)'),
  assumed(429, 'RATELIMIT_EXCEEDED', '频率超限 (as on the merchant twin page)'),
  ASSUMED_NO_AUTH,
];

// The merchant body without its callback field (and scene_info, which the partner page does not list).
const {
  authorization_notify_url: _merchantCallback,
  scene_info: _sceneInfo,
  ...applyFields
} = authorizationsApply.body.properties;

export const authorizationsPartnerApply = defineOperation({
  name: 'authorizations.partnerApply',
  family: 'authorizations',
  verb: 'partnerApply',
  summary: '申请免确认收款授权 (partner: apply for a user-confirm-free receiving authorization)',
  description:
    'The service provider applies; hand `package_info` to the client so the user can agree within 24 hours. ' +
    'The callback field is `notify_url` (the merchant page calls it authorization_notify_url).',
  docs: `${DOC}4016809861`,
  method: 'POST',
  path: BASE,
  role: 'serviceProvider',
  params: undefined,
  query: undefined,
  body: strictObject({
    ...applyFields,
    notify_url: text(256, '【授权结果通知地址】HTTPS URL without query for authorization events', [
      'DOC 4016809861',
    ]),
  }),
  response: authorizationsApply.response,
  errors: errors.filter((e) => e.code !== 'NOT_FOUND'),
  rateLimit: { perSecond: 50, code: 'RATELIMIT_EXCEEDED', source: 'documented' },
});

export const authorizationsPartnerGet = defineOperation({
  name: 'authorizations.partnerGet',
  family: 'authorizations',
  verb: 'partnerGet',
  summary: '商户单号查询免确认收款授权 (partner: query an authorization by merchant number)',
  description: 'Returns the authorization. Records closed as overdue stay queryable for 30 days.',
  docs: `${DOC}4016809859`,
  method: 'GET',
  path: `${BASE}/{out_authorization_no}`,
  role: 'serviceProvider',
  params: pathParams,
  query: undefined,
  body: undefined,
  response: AuthorizationEntity,
  errors,
  rateLimit: { perSecond: 100, code: 'RATELIMIT_EXCEEDED', source: 'documented' },
});

export const authorizationsPartnerClose = defineOperation({
  name: 'authorizations.partnerClose',
  family: 'authorizations',
  verb: 'partnerClose',
  summary: '解除免确认收款授权 (partner: close an authorization by merchant number)',
  description: 'Closes an authorization in effect (close_reason CLOSE_VIA_MCH_API). The request has no body.',
  docs: `${DOC}4016809851`,
  method: 'POST',
  path: `${BASE}/{out_authorization_no}/close`,
  role: 'serviceProvider',
  params: pathParams,
  query: undefined,
  body: undefined,
  response: ClosedAuthorizationEntity,
  errors,
  rateLimit: { perSecond: 50, code: 'RATELIMIT_EXCEEDED', source: 'documented' },
});
