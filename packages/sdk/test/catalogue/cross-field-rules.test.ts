import {
  type CrossFieldRule,
  checkCrossFieldRules,
  crossFieldRules,
  isOperationName,
  operations,
  TRANSFER_SCENE_IDS,
  TRANSFER_SCENE_REPORT_INFO_TYPES,
} from '@wxpay-kit/sdk/catalogue';
import { describe, expect, it } from 'vitest';
import { schemaAt } from './schema-walk.js';

/** The schema of the request part a rule checks. */
function partSchema(name: string, rule: CrossFieldRule) {
  const operation = operations[name as keyof typeof operations];
  return rule.location === 'url'
    ? operation.params
    : rule.location === 'query'
      ? operation.query
      : operation.body;
}

const confirm = {
  sub_mchid: '1900000109',
  operator_identification: 'id1102',
  confirm_time: '2015-05-20T13:29:35+08:00',
  cancel_contract_version: 'V20241213',
};

const create = {
  sub_mchid: '1900001121',
  appid: 'wxf636efh567hg4356',
  out_bill_no: 'plfk2020042013',
  transfer_scene_id: '1000',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  transfer_amount: 400,
  transfer_remark: '新会员开户有礼',
  transfer_scene_report_infos: [
    { info_type: '活动名称', info_content: '新会员有礼' },
    { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
  ],
};

describe('crossFieldRules', () => {
  it('name existing operations and fields of the part they check', () => {
    for (const [name, rules] of Object.entries(crossFieldRules)) {
      expect(isOperationName(name), name).toBe(true);
      for (const rule of rules) {
        const part = partSchema(name, rule);
        if (rule.kind === 'requiredWhen') {
          // Pointers here, since these rules reach into nested objects.
          for (const pointer of [rule.field, rule.when.field]) {
            expect(schemaAt(part, pointer), `${name} ${rule.kind} ${pointer}`).toBeDefined();
          }
          continue;
        }
        const fields = Object.keys(part?.properties ?? {});
        const named =
          rule.kind === 'pairedValues'
            ? [rule.key, rule.dependent]
            : rule.kind === 'requiredItems'
              ? [rule.selector, rule.array]
              : rule.fields;
        for (const field of named) expect(fields, `${name} ${rule.kind} ${field}`).toContain(field);
      }
    }
  });

  it('requiredWhen rules name an optional field: a required one needs no rule', () => {
    for (const [name, rules] of Object.entries(crossFieldRules)) {
      for (const rule of rules) {
        if (rule.kind !== 'requiredWhen') continue;
        const tokens = rule.field.split('/');
        const member = tokens.pop()!;
        const parent = schemaAt(partSchema(name, rule), tokens.join('/')) as
          | { required?: string[] }
          | undefined;
        expect(parent?.required ?? [], `${name} ${rule.field}`).not.toContain(member);
      }
    }
  });

  it('transferBills.create: user_name is required from 200000 fen (2,000 CNY)', () => {
    expect(
      checkCrossFieldRules('transferBills.create', { body: { ...create, transfer_amount: 199_999 } }),
    ).toEqual([]);
    expect(
      checkCrossFieldRules('transferBills.create', { body: { ...create, transfer_amount: 200_000 } }),
    ).toEqual([
      {
        rule: 'requiredWhen',
        field: '/user_name',
        value: undefined,
        issue:
          '转账金额达到2000元时须填写收款用户姓名 (user_name is required when transfer_amount is 200000 fen, i.e. 2,000 CNY, or more)',
        location: 'body',
      },
    ]);
    expect(
      checkCrossFieldRules('transferBills.create', {
        body: { ...create, transfer_amount: 200_000, user_name: '张三' },
      }),
    ).toEqual([]);
  });

  describe('cancelWithdraws.apply', () => {
    const corporate = {
      account_type: 'ACCOUNT_TYPE_CORPORATE',
      bank_account_info: {
        account_name: '某某公司',
        account_bank: '招商银行',
        account_number: '6214830000000000',
      },
    };
    const identity = {
      id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD',
      identification_name: '李四',
      identification_no: '110101199003070000',
    };
    const apply = (fields: Record<string, unknown>) =>
      checkCrossFieldRules('cancelWithdraws.apply', {
        body: { sub_mchid: '1900000109', out_request_no: 'CW1', ...fields },
      });

    it('APPLY_WITHDRAW needs payee_info; cancel only and no withdraw field do not', () => {
      expect(apply({ withdraw: 'APPLY_WITHDRAW' })).toEqual([
        expect.objectContaining({
          rule: 'requiredWhen',
          field: '/payee_info',
          value: undefined,
          location: 'body',
        }),
      ]);
      expect(apply({ withdraw: 'APPLY_WITHDRAW' })[0]?.issue).toContain('APPLY_WITHDRAW');
      expect(apply({ withdraw: 'APPLY_WITHDRAW', payee_info: corporate })).toEqual([]);
      expect(apply({ withdraw: 'NOT_APPLY_WITHDRAW' })).toEqual([]);
      expect(apply({})).toEqual([]);
    });

    it('a personal account needs identity_info; a corporate one does not', () => {
      const personal = { ...corporate, account_type: 'ACCOUNT_TYPE_PERSONAL' };
      expect(apply({ withdraw: 'APPLY_WITHDRAW', payee_info: personal })).toEqual([
        expect.objectContaining({ field: '/payee_info/identity_info', value: undefined, location: 'body' }),
      ]);
      expect(apply({ payee_info: personal })[0]?.issue).toContain('ACCOUNT_TYPE_PERSONAL');
      expect(apply({ payee_info: { ...personal, identity_info: identity } })).toEqual([]);
      expect(apply({ payee_info: { ...corporate, identity_info: identity } })).toEqual([]);
    });

    it('a personal account needs all three identity members; a corporate one may send some or none', () => {
      const personal = { ...corporate, account_type: 'ACCOUNT_TYPE_PERSONAL' };
      const { identification_no: _n, ...withoutNumber } = identity;
      expect(apply({ payee_info: { ...personal, identity_info: withoutNumber } })).toEqual([
        expect.objectContaining({ field: '/payee_info/identity_info/identification_no', location: 'body' }),
      ]);
      expect(apply({ payee_info: { ...personal, identity_info: {} } }).map((v) => v.field)).toEqual([
        '/payee_info/identity_info/id_doc_type',
        '/payee_info/identity_info/identification_name',
        '/payee_info/identity_info/identification_no',
      ]);
      expect(apply({ payee_info: { ...corporate, identity_info: withoutNumber } })).toEqual([]);
    });
  });

  it('cancelWithdraws.confirm: needs applyment_id or out_request_no', () => {
    expect(checkCrossFieldRules('cancelWithdraws.confirm', { body: confirm })).toEqual([
      {
        rule: 'atLeastOne',
        field: '/applyment_id',
        value: undefined,
        issue: 'pass applyment_id or out_request_no (at least one)',
        location: 'body',
      },
    ]);
    expect(
      checkCrossFieldRules('cancelWithdraws.confirm', { body: { ...confirm, applyment_id: 'X1' } }),
    ).toEqual([]);
    expect(
      checkCrossFieldRules('cancelWithdraws.confirm', { body: { ...confirm, out_request_no: 'P1' } }),
    ).toEqual([]);
    expect(
      checkCrossFieldRules('cancelWithdraws.confirm', {
        body: { ...confirm, applyment_id: 'X1', out_request_no: 'P2' },
      }),
    ).toEqual([]);
  });

  it('cancelWithdraws.confirm: leaves "both name the same application" to the emulator', () => {
    const rule = crossFieldRules['cancelWithdraws.confirm']?.find((r) => r.kind === 'sameResource');
    expect(rule).toMatchObject({ fields: ['applyment_id', 'out_request_no'], location: 'body' });
  });

  it('recharges.apply: account_type must match recharge_scene', () => {
    const body = { recharge_scene: 'ECOMMERCE_PAYMENT', account_type: 'DEPOSIT' };
    const [violation, ...rest] = checkCrossFieldRules('recharges.apply', { body });
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({ field: '/account_type', value: 'DEPOSIT', location: 'body' });
    expect(violation?.issue).toContain('OPERATION');
    expect(checkCrossFieldRules('recharges.apply', { body: { ...body, account_type: 'OPERATION' } })).toEqual(
      [],
    );
    expect(
      checkCrossFieldRules('recharges.apply', {
        body: { recharge_scene: 'ECOMMERCE_DEPOSIT', account_type: 'DEPOSIT' },
      }),
    ).toEqual([]);
  });

  it('transferBills.create: each scene must report its info types exactly once', () => {
    expect(checkCrossFieldRules('transferBills.create', { body: create })).toEqual([]);
    const missing = { ...create, transfer_scene_report_infos: [create.transfer_scene_report_infos[0]!] };
    const [violation] = checkCrossFieldRules('transferBills.create', { body: missing });
    expect(violation).toMatchObject({ field: '/transfer_scene_report_infos', location: 'body' });
    expect(violation?.issue).toContain('奖励说明');
    const duplicated = {
      ...create,
      transfer_scene_report_infos: [
        ...create.transfer_scene_report_infos,
        { info_type: '活动名称', info_content: 'x' },
      ],
    };
    expect(checkCrossFieldRules('transferBills.create', { body: duplicated })).toEqual([
      expect.objectContaining({ field: '/transfer_scene_report_infos/2/info_type', value: '活动名称' }),
    ]);
    const extra = {
      ...create,
      transfer_scene_report_infos: [
        ...create.transfer_scene_report_infos,
        { info_type: '其他', info_content: 'x' },
      ],
    };
    expect(checkCrossFieldRules('transferBills.create', { body: extra })).toEqual([]);
    expect(
      checkCrossFieldRules('transferBills.create', {
        body: { ...create, transfer_scene_id: '1004', transfer_scene_report_infos: [] },
      }),
    ).toHaveLength(3);
  });

  it('covers every transfer scene with its required info types', () => {
    expect(Object.keys(TRANSFER_SCENE_REPORT_INFO_TYPES).sort()).toEqual([...TRANSFER_SCENE_IDS].sort());
    for (const types of Object.values(TRANSFER_SCENE_REPORT_INFO_TYPES)) {
      for (const type of types) expect(type.length).toBeLessThanOrEqual(15);
    }
  });

  it('passes operations without rules and tolerates a missing part', () => {
    expect(checkCrossFieldRules('transferBills.cancel', { body: { sub_mchid: '1' } })).toEqual([]);
    expect(checkCrossFieldRules('cancelWithdraws.confirm', {})).toHaveLength(1);
  });
});
