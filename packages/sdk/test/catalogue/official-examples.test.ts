import { readFileSync } from 'node:fs';
import { isOperationName, operations } from '@wxpay-kit/sdk/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAndSplit } from '../../src/client/validate-input.js';
import type { SignedTestServer } from '../support/signed-test-server.js';
import { callOperation, startTestServer, testClient } from '../support/test-client.js';

interface PageExample {
  operation: string;
  source: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

const { examples } = JSON.parse(
  readFileSync(new URL('../fixtures/official-request-examples.json', import.meta.url), 'utf8'),
) as { examples: PageExample[] };

const flat = (example: PageExample) => ({ ...example.params, ...example.query, ...example.body });

let server: SignedTestServer;
beforeAll(async () => {
  server = await startTestServer(() => ({ status: 200, body: {} }));
});
afterAll(() => server.close());

describe('every request example of the seed pages and the quoted official pages', () => {
  it('covers each seed page', () => {
    const seeds = examples.map((e) => /^seed 00(\d)/.exec(e.source)?.[1]).filter(Boolean);
    expect(new Set(seeds)).toEqual(new Set(['0', '1', '2', '3', '4']));
  });

  it.each(examples.map((example) => [example.operation, example.source, example] as const))(
    '%s (%s) passes SDK validation unchanged',
    (name, _source, example) => {
      if (!isOperationName(name)) throw new Error(`unknown operation ${name}`);
      const spec = operations[name];
      expect(validateAndSplit(spec, flat(example))).toEqual({
        params: example.params ?? {},
        query: example.query ?? {},
        body: spec.body ? (example.body ?? {}) : undefined,
      });
    },
  );

  it.each(examples.map((example) => [example.operation, example.source, example] as const))(
    '%s (%s) goes on the wire as the page shows it',
    async (name, _source, example) => {
      const wxpay = testClient(server.baseUrl);
      await callOperation(wxpay, name, flat(example));
      const sent = server.requests.at(-1)!;
      for (const value of Object.values(example.params ?? {})) expect(sent.path).toContain(`/${value}`);
      expect(sent.query).toEqual(example.query ?? {});
      expect(sent.body === '' ? undefined : JSON.parse(sent.body)).toEqual(example.body);
    },
  );
});

describe('values the pages allow that an earlier catalogue refused', () => {
  it.each([
    ['authorizations.get', { out_authorization_no: 'auth-2025-001' }, 'no page restricts its characters'],
    ['authorizations.close', { out_authorization_no: 'auth_2025_001' }, 'no page restricts its characters'],
    ['transferBills.get', { out_bill_no: 'plfk2020042013' }, 'query sub_mchid is 选填 [DOC 4015469131]'],
    [
      'cancelWithdraws.confirm',
      {
        applyment_id: 'X202410241010125346',
        sub_mchid: '1900000109',
        operator_identification: 'ops-team/张三 #7',
        confirm_time: '2015-05-20T13:29:35+08:00',
        cancel_contract_version: 'V20241213',
      },
      'operator_identification is string(100) [seed 002]',
    ],
    [
      'recharges.apply',
      {
        sub_mchid: '1900001121',
        out_recharge_no: 'cz2020042013',
        recharge_scene: 'ECOMMERCE_DEPOSIT',
        account_type: 'DEPOSIT',
        recharge_amount: {},
      },
      'amount and currency are 选填 on the apply page',
    ],
    [
      'recharges.apply',
      {
        sub_mchid: '1900001121',
        out_recharge_no: 'cz2020042013',
        recharge_scene: 'ECOMMERCE_DEPOSIT',
        account_type: 'DEPOSIT',
        recharge_amount: { amount: 100, currency: 'HKD' },
      },
      'currency is string(16) on the apply page',
    ],
  ] as const)('%s accepts %o (%s)', (name, fields, _why) => {
    expect(() => validateAndSplit(operations[name], fields)).not.toThrow();
  });

  it.each(['1006', '1001', '2001'])(
    'authorizations.apply and transferBills.create accept scene %s',
    (scene) => {
      const apply = {
        out_authorization_no: 'auth-2025-001',
        appid: 'wxf636efh567hg4356',
        openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
        transfer_scene_id: scene,
        user_display_name: 'wx_123456',
        authorization_notify_url: 'https://www.weixin.qq.com/wxpay/pay.php',
      };
      expect(() => validateAndSplit(operations['authorizations.apply'], apply)).not.toThrow();
      const create = {
        sub_mchid: '1900001121',
        appid: 'wxf636efh567hg4356',
        out_bill_no: 'plfk2020042013',
        transfer_scene_id: scene,
        openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
        transfer_amount: 100,
        transfer_remark: '2020年4月报销',
        transfer_scene_report_infos: [{ info_type: '报销类型', info_content: '差旅费' }],
      };
      expect(() => validateAndSplit(operations['transferBills.create'], create)).not.toThrow();
    },
  );
});
