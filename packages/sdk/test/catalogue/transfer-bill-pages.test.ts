import { crossFieldRules, type OperationName, operations } from '@wxpay-kit/sdk/catalogue';
import { describe, expect, it } from 'vitest';
import { validateAndSplit } from '../../src/client/validate-input.js';
import { schemaNodes } from './schema-walk.js';

// Each transfer-bill row cites the official page of its own face, and accepts what that page accepts.

/** The service-provider pages: create, query, cancel, A5, A4 [partner DOC …], and the partner cancel seed. */
const PARTNER_PAGES = [
  'DOC 4015469096',
  'DOC 4015469131',
  'DOC 4015469118',
  'DOC 4016809837',
  'DOC 4016809843',
  'seed 004',
];

const MERCHANT_ROWS = {
  'transferBills.create': 'DOC 4012716434',
  'transferBills.get': 'DOC 4012716437',
  'transferBills.getByTransferBillNo': 'DOC 4012716457',
  'transferBills.cancel': 'DOC 4012716458',
  'transferBills.transfer': 'DOC 4014399371',
  'transferBills.preTransferWithAuthorization': 'DOC 4014399293',
} as const satisfies Partial<Record<OperationName, string>>;

/** Every `source` entry a row's request constraints and cross-field rules cite. */
function citedSources(name: OperationName): string[] {
  const operation = operations[name];
  const nodes = [operation.params, operation.query, operation.body].flatMap((part) => schemaNodes(part));
  const fromSchemas = nodes.flatMap(({ schema }) => (schema['source'] ?? []) as string[]);
  const fromRules = (crossFieldRules[name] ?? []).flatMap((rule) => rule.source);
  return [...new Set([...fromSchemas, ...fromRules])];
}

describe('ordinary-merchant transfer-bill rows cite the merchant pages', () => {
  it.each(Object.entries(MERCHANT_ROWS))('%s cites %s and no service-provider page', (name, page) => {
    const cited = citedSources(name as OperationName);
    expect(cited).toContain(page);
    expect(cited.filter((source) => PARTNER_PAGES.includes(source))).toEqual([]);
  });

  it('the partner create row still cites its own page', () => {
    expect(citedSources('transferBills.partnerCreate')).toContain('DOC 4015469096');
    expect(citedSources('transferBills.partnerPreTransferWithAuthorization')).toContain('DOC 4016809843');
  });
});

describe('A4 without openid: 若已指定免确认收款授权参数，可不指定Openid [DOC 4014399293, 4016809843]', () => {
  const a4 = {
    appid: 'wxf636efh567hg4356',
    out_bill_no: 'plfk2020042013',
    transfer_scene_id: '1000',
    transfer_amount: 400,
    transfer_remark: '新会员开户有礼',
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新会员有礼' },
      { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
    ],
  };
  const authorization_info = {
    user_display_name: 'wx_123456',
    out_authorization_no: 'plfk2020042013',
    authorization_notify_url: 'https://www.weixin.qq.com/wxpay/pay.php',
  };
  const twins = [
    ['transferBills.preTransferWithAuthorization', a4],
    ['transferBills.partnerPreTransferWithAuthorization', { ...a4, sub_mchid: '1900001121' }],
  ] as const;

  it.each(twins)('%s: authorization_info without openid is sent', (name, body) => {
    const split = validateAndSplit(operations[name], { ...body, authorization_info });
    expect(split.body).not.toHaveProperty('openid');
  });

  it.each(twins)('%s: neither openid nor authorization_info is refused at /openid', (name, body) => {
    expect(() => validateAndSplit(operations[name], body)).toThrow(
      expect.objectContaining({ name: 'WechatPayValidationError', field: '/openid', location: 'body' }),
    );
    expect(validateAndSplit(operations[name], { ...body, openid: 'o-user' }).body).toMatchObject({
      openid: 'o-user',
    });
  });
});
