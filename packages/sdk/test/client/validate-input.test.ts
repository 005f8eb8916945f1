import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/catalogue/operations.js';
import { defineOperation } from '../../src/catalogue/types.js';
import { validateAndSplit } from '../../src/client/validate-input.js';
import { WechatPayValidationError } from '../../src/errors/index.js';
import type { SignedTestServer } from '../support/signed-test-server.js';
import { callOperation, startTestServer, testClient } from '../support/test-client.js';

let server: SignedTestServer;
const errors: unknown[] = [];

beforeAll(async () => {
  server = await startTestServer(() => ({ status: 200, body: {} }));
});

afterAll(() => server.close());

const confirmInput = {
  applyment_id: 'X202410241010125346',
  sub_mchid: '1900000109',
  operator_identification: 'id1102',
  confirm_time: '2015-05-20T13:29:35.120+08:00',
  cancel_contract_version: 'V20241213',
};

const cases: Array<[string, string, unknown, { field: string; location: string; issue?: RegExp }]> = [
  [
    'authorizations.close',
    'a missing path parameter',
    {},
    { field: '/out_authorization_no', location: 'url', issue: /required/ },
  ],
  [
    'authorizations.close',
    'an empty out-number',
    { out_authorization_no: '' },
    { field: '/out_authorization_no', location: 'url', issue: /1/ },
  ],
  [
    'authorizations.get',
    'an over-long out-number',
    { out_authorization_no: 'A'.repeat(33) },
    { field: '/out_authorization_no', location: 'url', issue: /32/ },
  ],
  [
    'transferBills.cancel',
    'a missing body field',
    { out_bill_no: 'plfk2020042013' },
    { field: '/sub_mchid', location: 'body', issue: /required/ },
  ],
  [
    'transferBills.cancel',
    'an out_bill_no with characters its page forbids',
    { out_bill_no: 'plfk-2020042013', sub_mchid: '1900001121' },
    { field: '/out_bill_no', location: 'url', issue: /pattern/ },
  ],
  [
    'recharges.close',
    'a missing query parameter',
    { out_recharge_no: 'cz2020042013' },
    { field: '/sub_mchid', location: 'query', issue: /required/ },
  ],
  [
    'recharges.close',
    'a misspelt field',
    { out_recharge_no: 'cz2020042013', sub_mchid: '1900001121', submchid: '1' },
    { field: '/submchid', location: 'query', issue: /not a field of recharges\.close/ },
  ],
  [
    'cancelWithdraws.confirm',
    'neither applyment_id nor out_request_no',
    { ...confirmInput, applyment_id: undefined },
    { field: '/applyment_id', location: 'body', issue: /at least one/ },
  ],
  [
    'cancelWithdraws.confirm',
    'a confirm_time without offset',
    { ...confirmInput, confirm_time: '2015-05-20 13:29:35' },
    { field: '/confirm_time', location: 'body', issue: /pattern/ },
  ],
  [
    'transferBills.create',
    'a nested field of the wrong type',
    {
      sub_mchid: '1900001121',
      appid: 'wx1',
      out_bill_no: 'B1',
      transfer_scene_id: '1000',
      openid: 'o1',
      transfer_amount: '100',
      transfer_remark: 'r',
      transfer_scene_report_infos: [],
    },
    { field: '/transfer_amount', location: 'body', issue: /integer/ },
  ],
  [
    'transferBills.create',
    'a scene report missing a required info type',
    {
      sub_mchid: '1900001121',
      appid: 'wx1',
      out_bill_no: 'B1',
      transfer_scene_id: '1000',
      openid: 'o1',
      transfer_amount: 100,
      transfer_remark: 'r',
      transfer_scene_report_infos: [{ info_type: '活动名称', info_content: 'x' }],
    },
    { field: '/transfer_scene_report_infos', location: 'body', issue: /奖励说明/ },
  ],
  [
    'authorizations.get',
    'a non-object input',
    'plfk2020042013',
    { field: '', location: 'url', issue: /object/ },
  ],
];

describe('input validation', () => {
  it.each(cases)('%s rejects %s before sending anything', async (name, _what, input, expected) => {
    const before = server.requests.length;
    const wxpay = testClient(server.baseUrl, undefined, { hooks: { onError: (e) => errors.push(e) } });
    const failure = await callOperation(wxpay, name, input).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WechatPayValidationError);
    const error = failure as WechatPayValidationError;
    expect(error.operation).toBe(name);
    expect(error.field).toBe(expected.field);
    expect(error.location).toBe(expected.location);
    if (expected.issue) expect(error.issue).toMatch(expected.issue);
    expect(error.message).toContain(name);
    expect(error.message).toContain(expected.field || '/');
    expect(error.retryable).toBe(false);
    expect(errors.at(-1)).toBe(failure);
    expect(server.requests.length).toBe(before);
  });

  it('cancelWithdraws.confirm accepts out_request_no alone', async () => {
    const wxpay = testClient(server.baseUrl);
    await wxpay.cancelWithdraws.confirm({ ...confirmInput, applyment_id: undefined, out_request_no: 'CW1' });
    expect(JSON.parse(server.requests.at(-1)?.body ?? '{}')).toEqual({
      sub_mchid: '1900000109',
      operator_identification: 'id1102',
      confirm_time: '2015-05-20T13:29:35.120+08:00',
      cancel_contract_version: 'V20241213',
      out_request_no: 'CW1',
    });
  });
});

describe('validateAndSplit', () => {
  it('routes each flat field to the part its row declares', () => {
    expect(
      validateAndSplit(operations['recharges.close'], {
        sub_mchid: '1900001121',
        out_recharge_no: 'cz2020042013',
      }),
    ).toEqual({
      params: { out_recharge_no: 'cz2020042013' },
      query: { sub_mchid: '1900001121' },
      body: undefined,
    });
    expect(
      validateAndSplit(operations['transferBills.cancel'], { out_bill_no: 'B1', sub_mchid: '1900001121' }),
    ).toEqual({ params: { out_bill_no: 'B1' }, query: {}, body: { sub_mchid: '1900001121' } });
  });

  it('reports the offending value', () => {
    try {
      validateAndSplit(operations['transferBills.get'], { out_bill_no: 'bad no' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ field: '/out_bill_no', value: 'bad no' });
    }
  });

  it('points into nested objects and arrays', () => {
    try {
      validateAndSplit(operations['cancelWithdraws.apply'], {
        sub_mchid: '1900000109',
        out_request_no: 'CW1',
        payee_info: {
          account_type: 'ACCOUNT_TYPE_PERSONAL',
          bank_account_info: { account_bank: 'b', account_number: '1' },
        },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        field: '/payee_info/bank_account_info/account_name',
        location: 'body',
        issue: 'is required',
      });
    }
  });
});

describe('sensitive fields in validation errors', () => {
  const identificationNo = '110101199003070000';
  const applyInput = (identity: Record<string, unknown>) => ({
    sub_mchid: '1900000109',
    out_request_no: 'CW1',
    withdraw: 'APPLY_WITHDRAW',
    payee_info: {
      account_type: 'ACCOUNT_TYPE_PERSONAL',
      bank_account_info: {
        account_name: '李四',
        account_bank: '招商银行',
        account_number: '6214830000000000',
      },
      identity_info: { id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD', identification_name: '李四', ...identity },
    },
  });

  it('cancelWithdraws.apply redacts a bad identification_no, in the error and in what onError sees', async () => {
    const seen: unknown[] = [];
    const wxpay = testClient(server.baseUrl, undefined, { hooks: { onError: (e) => seen.push(e) } });
    // A number where a string is expected: the value itself is the sensitive data.
    const input = applyInput({ identification_no: Number(identificationNo) });
    const failure = await callOperation(wxpay, 'cancelWithdraws.apply', input).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      field: '/payee_info/identity_info/identification_no',
      value: '[REDACTED]',
      issue: 'must be string',
    });
    expect(seen).toEqual([failure]);
    for (const shown of [JSON.stringify(failure), JSON.stringify(seen), String(failure)]) {
      expect(shown).not.toContain(String(Number(identificationNo)));
      expect(shown).not.toContain(identificationNo.slice(0, 10));
    }
  });

  it('cancelWithdraws.apply keeps the value of a field that is not sensitive', () => {
    try {
      validateAndSplit(
        operations['cancelWithdraws.apply'],
        applyInput({ identification_no: identificationNo, extra: 7 }),
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ field: '/payee_info/identity_info/extra', value: 7 });
    }
  });

  it('redacts the sensitive members of a value that contains them', () => {
    const row = defineOperation({
      name: 'test.sensitiveParent',
      family: 'transferBills',
      verb: 'sensitiveParent',
      summary: 'synthetic',
      description: 'synthetic',
      method: 'POST',
      path: '/v3/test',
      role: 'merchant',
      params: undefined,
      query: undefined,
      body: Type.Object({ holder: Type.String(), list: Type.Array(Type.String()) }),
      response: undefined,
      errors: [],
      rateLimit: { perSecond: 1, code: 'RATE', source: 'assumed' },
      sensitive: { request: ['/holder/secret', '/list/*/secret'] },
    });
    const attempt = (body: Record<string, unknown>) => {
      try {
        validateAndSplit(row, body);
      } catch (error) {
        return error as WechatPayValidationError;
      }
      throw new Error('expected a validation error');
    };
    expect(attempt({ holder: { secret: 's3cret', plain: 'p' }, list: [] }).value).toEqual({
      secret: '[REDACTED]',
      plain: 'p',
    });
    expect(attempt({ holder: 'h', list: [{ secret: 's3cret' }] }).value).toEqual({ secret: '[REDACTED]' });
  });
});

describe('catalogue rules beyond the JSON schema are refused before sending', () => {
  const bill = {
    sub_mchid: '1900001121',
    appid: 'wxf636efh567hg4356',
    out_bill_no: 'plfk2020042013',
    transfer_scene_id: '1000' as const,
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    transfer_amount: 200_000,
    transfer_remark: '新会员开通有礼',
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新会员有礼' },
      { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
    ],
  };
  const recharge = (amount: number) => ({
    sub_mchid: '1900001121',
    out_recharge_no: 'cz2020042013',
    recharge_scene: 'ECOMMERCE_DEPOSIT' as const,
    account_type: 'DEPOSIT' as const,
    recharge_amount: { amount, currency: 'CNY' as const },
  });
  const corporate = {
    account_type: 'ACCOUNT_TYPE_CORPORATE' as const,
    bank_account_info: {
      account_name: '某某公司',
      account_bank: '招商银行',
      account_number: '6214830000000000',
    },
  };
  const cancel = { sub_mchid: '1900000109', out_request_no: 'CW1', withdraw: 'APPLY_WITHDRAW' as const };

  /** Runs `call`, expecting a validation error and no request on the wire. */
  async function refused(call: () => Promise<unknown>): Promise<WechatPayValidationError> {
    const before = server.requests.length;
    const failure = await call().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WechatPayValidationError);
    expect(server.requests.length).toBe(before);
    return failure as WechatPayValidationError;
  }

  /** Runs `call`, expecting exactly one request on the wire. */
  async function sent(call: () => Promise<unknown>): Promise<void> {
    const before = server.requests.length;
    await call();
    expect(server.requests.length).toBe(before + 1);
  }

  it('transferBills.create from 200000 fen without user_name', async () => {
    const wxpay = testClient(server.baseUrl);
    const error = await refused(() => wxpay.transferBills.create(bill));
    expect(error).toMatchObject({ operation: 'transferBills.create', field: '/user_name', location: 'body' });
    expect(error.issue).toContain('200000 fen');
    expect(error.message).toContain('user_name is required when transfer_amount is 200000 fen');
    await sent(() => wxpay.transferBills.create({ ...bill, user_name: '张三' }));
    await sent(() => wxpay.transferBills.create({ ...bill, transfer_amount: 199_999 }));
  });

  it('recharges.apply over 8亿元', async () => {
    const wxpay = testClient(server.baseUrl);
    const error = await refused(() => wxpay.recharges.apply(recharge(80_000_000_001)));
    expect(error).toMatchObject({
      operation: 'recharges.apply',
      field: '/recharge_amount/amount',
      value: 80_000_000_001,
      location: 'body',
    });
    expect(error.issue).toContain('80000000000');
    await sent(() => wxpay.recharges.apply(recharge(80_000_000_000)));
  });

  it('cancelWithdraws.apply with APPLY_WITHDRAW but no payee_info', async () => {
    const wxpay = testClient(server.baseUrl);
    const error = await refused(() => wxpay.cancelWithdraws.apply(cancel));
    expect(error).toMatchObject({
      operation: 'cancelWithdraws.apply',
      field: '/payee_info',
      location: 'body',
    });
    expect(error.issue).toContain('APPLY_WITHDRAW');
    await sent(() => wxpay.cancelWithdraws.apply({ ...cancel, payee_info: corporate }));
    await sent(() => wxpay.cancelWithdraws.apply({ ...cancel, withdraw: 'NOT_APPLY_WITHDRAW' }));
  });

  it('cancelWithdraws.apply to a personal account without identity_info', async () => {
    const wxpay = testClient(server.baseUrl);
    const personal = { ...corporate, account_type: 'ACCOUNT_TYPE_PERSONAL' as const };
    const error = await refused(() => wxpay.cancelWithdraws.apply({ ...cancel, payee_info: personal }));
    expect(error).toMatchObject({ field: '/payee_info/identity_info', location: 'body' });
    expect(error.issue).toContain('ACCOUNT_TYPE_PERSONAL');
    const identity_info = {
      id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD' as const,
      identification_name: '李四',
      identification_no: '110101199003070000',
    };
    await sent(() => wxpay.cancelWithdraws.apply({ ...cancel, payee_info: { ...personal, identity_info } }));
  });
});
