import { operations, RFC3339_PATTERN } from '@wxpay-kit/sdk/catalogue';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { seedPages } from './seed-pages.js';

/** The JSON pointers and keywords a value fails on; empty when it is valid. */
function failures(schema: TSchema | undefined, value: unknown): string[] {
  if (!schema) throw new Error('no schema');
  return [...Compile(schema).Errors(value)].map((error) => `${error.instancePath} ${error.keyword}`);
}

const validCreate = {
  sub_mchid: '1900001121',
  appid: 'wxf636efh567hg4356',
  out_bill_no: 'plfk2020042013',
  transfer_scene_id: '1000',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  transfer_amount: 400,
  transfer_remark: '新会员开户有礼',
  notify_url: 'https://www.weixin.qq.com/wxpay/pay.php',
  user_recv_perception: '现金奖励',
  transfer_scene_report_infos: [
    { info_type: '活动名称', info_content: '新会员有礼' },
    { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
  ],
};

const validApply = {
  sub_mchid: '1900000109',
  out_request_no: 'P202410241010125346',
  withdraw: 'APPLY_WITHDRAW',
  payee_info: {
    account_type: 'ACCOUNT_TYPE_PERSONAL',
    bank_account_info: {
      account_name: '张三',
      account_bank: '工商银行',
      bank_branch_name: '中国工商银行股份有限公司北京市分行营业部',
      account_number: '6222000000000000000',
    },
    identity_info: {
      id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD',
      identification_name: '张三',
      identification_no: '110101199003071234',
    },
  },
  proof_medias: [{ proof_media_type: 'WITHDRAWAL_APPLICATION', proof_media: 'media-id-1' }],
  remark: '注销提现',
};

describe('catalogue schemas', () => {
  it.each(seedPages.map((page) => [page.operation, page] as const))(
    '%s accepts the example request and response of its official page',
    (name, page) => {
      const operation = operations[name as keyof typeof operations];
      expect(Object.keys(page.exampleParams)).toEqual(Object.keys(operation.params?.properties ?? {}));
      if (operation.params) expect(failures(operation.params, page.exampleParams)).toEqual([]);
      if (operation.query) expect(failures(operation.query, page.exampleQuery)).toEqual([]);
      if (operation.body) expect(failures(operation.body, page.exampleBody)).toEqual([]);
      else expect(page.exampleBody).toBeUndefined();
      expect(failures(operation.response, page.exampleResponse)).toEqual([]);
    },
  );

  it('transferBills.cancel accepts {"sub_mchid":"1900001121"} and rejects typos and extras', () => {
    const body = operations['transferBills.cancel'].body;
    expect(failures(body, { sub_mchid: '1900001121' })).toEqual([]);
    expect(failures(body, { sub_mchid: '1900001121', note: 'x' })).toContain('/note boolean');
    expect(failures(body, { sub_mchd: '1900001121' })).toContain(' required');
    expect(failures(body, { sub_mchid: '19000a1121' })).toEqual(['/sub_mchid pattern']);
    expect(failures(body, { sub_mchid: 1900001121 })).toEqual(['/sub_mchid type']);
  });

  it('transferBills.cancel rejects an out_bill_no with "-" or over 32 characters', () => {
    const params = operations['transferBills.cancel'].params;
    expect(failures(params, { out_bill_no: 'plfk2020042013' })).toEqual([]);
    expect(failures(params, { out_bill_no: 'a'.repeat(32) })).toEqual([]);
    expect(failures(params, { out_bill_no: 'plfk-2020042013' })).toEqual(['/out_bill_no pattern']);
    expect(failures(params, { out_bill_no: 'a'.repeat(33) })).toEqual(['/out_bill_no maxLength']);
    expect(failures(params, { out_bill_no: '' })).toContain('/out_bill_no minLength');
  });

  it('cancelWithdraws.confirm accepts the seed example, either id alone, and rejects bad times', () => {
    const body = operations['cancelWithdraws.confirm'].body;
    const example = seedPages.find((p) => p.operation === 'cancelWithdraws.confirm')!.exampleBody as Record<
      string,
      unknown
    >;
    const { out_request_no: _o, ...byApplymentId } = example;
    const { applyment_id: _a, ...byOutRequestNo } = example;
    expect(failures(body, byApplymentId)).toEqual([]);
    expect(failures(body, byOutRequestNo)).toEqual([]);
    expect(failures(body, { ...example, confirm_time: '2015-05-20T13:29:35.120+08:00' })).toEqual([]);
    for (const bad of [
      '2015-05-20 13:29:35+08:00',
      '2015-05-20T13:29:35',
      '2015-13-20T13:29:35+08:00',
      '1432097375',
    ]) {
      expect(failures(body, { ...example, confirm_time: bad }), bad).toEqual(['/confirm_time pattern']);
    }
    expect(failures(body, { ...example, operator_identification: 'id 1102' })).toEqual([
      '/operator_identification pattern',
    ]);
    expect(failures(body, { ...example, operator_identification: '张三1102' })).toEqual([]);
    const { cancel_contract_version: _v, ...withoutVersion } = example;
    expect(failures(body, withoutVersion)).toContain(' required');
  });

  it('accepts the RFC 3339 shapes WeChat Pay emits and nothing looser', () => {
    const pattern = new RegExp(RFC3339_PATTERN);
    for (const good of [
      '2015-05-20T13:29:35+08:00',
      '2015-05-20T13:29:35.120+08:00',
      '2015-05-20T05:29:35Z',
    ]) {
      expect(pattern.test(good), good).toBe(true);
    }
    for (const bad of [
      '2015-05-20',
      '2015-05-20T13:29+08:00',
      '2015-05-20T24:00:00+08:00',
      '2015-05-20T13:29:35+0800',
    ]) {
      expect(pattern.test(bad), bad).toBe(false);
    }
  });

  it('transferBills.create checks amounts, scenes, report items and unknown members at every level', () => {
    const body = operations['transferBills.create'].body;
    expect(failures(body, validCreate)).toEqual([]);
    expect(failures(body, { ...validCreate, user_recv_style: { type: 'RED_PACKET' } })).toEqual([]);
    expect(failures(body, { ...validCreate, transfer_amount: 0 })).toEqual(['/transfer_amount minimum']);
    expect(failures(body, { ...validCreate, transfer_amount: 1.5 })).toEqual(['/transfer_amount type']);
    expect(failures(body, { ...validCreate, transfer_scene_id: '1006' })).toEqual([
      '/transfer_scene_id enum',
    ]);
    expect(failures(body, { ...validCreate, transfer_remark: 'x'.repeat(33) })).toEqual([
      '/transfer_remark maxLength',
    ]);
    expect(
      failures(body, {
        ...validCreate,
        transfer_scene_report_infos: [{ info_type: '活动名称'.repeat(4), info_content: '' }],
      }),
    ).toEqual([
      '/transfer_scene_report_infos/0/info_type maxLength',
      '/transfer_scene_report_infos/0/info_content minLength',
    ]);
    expect(
      failures(body, {
        ...validCreate,
        transfer_scene_report_infos: [{ info_type: 'a', info_content: 'b', x: 1 }],
      }),
    ).toContain('/transfer_scene_report_infos/0/x boolean');
    expect(failures(body, { ...validCreate, user_recv_style: { type: 'CASH' } })).toEqual([
      '/user_recv_style/type enum',
    ]);
  });

  it('cancelWithdraws.apply validates nested payee information', () => {
    const body = operations['cancelWithdraws.apply'].body;
    expect(failures(body, validApply)).toEqual([]);
    const noNumber = structuredClone(validApply) as {
      payee_info: { bank_account_info: Record<string, unknown> };
    };
    delete noNumber.payee_info.bank_account_info['account_number'];
    expect(failures(body, noNumber)).toContain('/payee_info/bank_account_info required');
    const typo = structuredClone(validApply) as { payee_info: Record<string, unknown> };
    typo.payee_info['acount_type'] = 'ACCOUNT_TYPE_PERSONAL';
    expect(failures(body, typo)).toContain('/payee_info/acount_type boolean');
    expect(
      failures(body, { ...validApply, additional_materials: Array.from({ length: 11 }, () => 'm') }),
    ).toEqual(['/additional_materials maxItems']);
  });

  it('recharges.apply requires a CNY amount from 1 fen to 8亿元 and known channels', () => {
    const body = operations['recharges.apply'].body;
    const valid = {
      sub_mchid: '1900001121',
      out_recharge_no: 'cz2020042013',
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      account_type: 'DEPOSIT',
      recharge_amount: { amount: 500000, currency: 'CNY' },
      available_recharge_channels: ['BANK_TRANSFER', 'QR_RECHARGE'],
    };
    expect(failures(body, valid)).toEqual([]);
    expect(failures(body, { ...valid, out_recharge_no: 'c'.repeat(64) })).toEqual([]);
    expect(failures(body, { ...valid, out_recharge_no: 'c'.repeat(65) })).toEqual([
      '/out_recharge_no maxLength',
    ]);
    expect(failures(body, { ...valid, recharge_amount: { amount: 100, currency: 'USD' } })).toEqual([
      '/recharge_amount/currency enum',
    ]);
    const amount = (fen: number) => ({ ...valid, recharge_amount: { amount: fen, currency: 'CNY' } });
    expect(failures(body, amount(0))).toEqual(['/recharge_amount/amount minimum']);
    // Seed 003: at most 8亿元 per recharge (by bank transfer; no channel takes more).
    expect(failures(body, amount(80_000_000_000))).toEqual([]);
    expect(failures(body, amount(80_000_000_001))).toEqual(['/recharge_amount/amount maximum']);
    expect(failures(body, { ...valid, available_recharge_channels: ['CASH'] })).toEqual([
      '/available_recharge_channels/0 enum',
    ]);
    expect(failures(body, { ...valid, remark: '一二三四五六七八九十一二三四五六七八九十一' })).toEqual([
      '/remark maxLength',
    ]);
  });

  it('response schemas tolerate fields WeChat Pay adds later but still require the documented ones', () => {
    const response = operations['transferBills.get'].response;
    const seed = seedPages.find((p) => p.operation === 'transferBills.cancel')!.exampleResponse as Record<
      string,
      unknown
    >;
    expect(failures(response, { ...seed, new_field_2030: 'x' })).toEqual([]);
    const { update_time: _u, ...withoutUpdateTime } = seed;
    expect(failures(response, withoutUpdateTime)).toContain(' required');
    expect(failures(operations['cancelWithdraws.confirm'].response, {})).toEqual([]);
  });
});
