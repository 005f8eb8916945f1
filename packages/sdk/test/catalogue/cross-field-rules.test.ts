import {
  checkCrossFieldRules,
  crossFieldRules,
  isOperationName,
  operations,
  TRANSFER_SCENE_IDS,
  TRANSFER_SCENE_REPORT_INFO_TYPES,
} from '@wxpay-kit/sdk/catalogue';
import { describe, expect, it } from 'vitest';

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
      const operation = operations[name as keyof typeof operations];
      for (const rule of rules) {
        const part =
          rule.location === 'url'
            ? operation.params
            : rule.location === 'query'
              ? operation.query
              : operation.body;
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
