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
    // No page restricts a merchant number's characters: WeChat Pay answers an unknown one itself.
    expect(failures(body, { sub_mchid: '19000a1121' })).toEqual([]);
    expect(failures(body, { sub_mchid: '1'.repeat(33) })).toEqual(['/sub_mchid maxLength']);
    expect(failures(body, { sub_mchid: 1900001121 })).toEqual(['/sub_mchid type']);
  });

  it('transferBills.cancel rejects an out_bill_no with "-" or over 32 characters', () => {
    const params = operations['transferBills.cancel'].params;
    expect(failures(params, { out_bill_no: 'plfk2020042013' })).toEqual([]);
    expect(failures(params, { out_bill_no: 'a'.repeat(32) })).toEqual([]);
    expect(failures(params, { out_bill_no: 'plfk-2020042013' })).toEqual(['/out_bill_no pattern']);
    expect(failures(params, { out_bill_no: 'a'.repeat(33) })).toEqual(['/out_bill_no maxLength']);
    expect(failures(params, { out_bill_no: '' })).toEqual(['/out_bill_no pattern']);
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
    // 支持包含大小写字母、数字和汉字 (seed 002) says what is supported, not what is refused: only string(100) holds.
    for (const id of ['id 1102', 'id-1102', '张三1102', '𠀀op']) {
      expect(failures(body, { ...example, operator_identification: id }), id).toEqual([]);
    }
    expect(failures(body, { ...example, operator_identification: 'x'.repeat(101) })).toEqual([
      '/operator_identification maxLength',
    ]);
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
    // No page states a minimum amount: WeChat Pay (and the emulator) answer 0 themselves.
    expect(failures(body, { ...validCreate, transfer_amount: 0 })).toEqual([]);
    expect(failures(body, { ...validCreate, transfer_amount: 1.5 })).toEqual(['/transfer_amount type']);
    // transfer_scene_id is string(36): known scenes are suggestions, not a wall.
    for (const scene of ['1006', '1001', 'a'.repeat(36)]) {
      expect(failures(body, { ...validCreate, transfer_scene_id: scene }), scene).toEqual([]);
    }
    expect(failures(body, { ...validCreate, transfer_scene_id: 'a'.repeat(37) })).toEqual([
      '/transfer_scene_id maxLength',
    ]);
    expect(failures(body, { ...validCreate, transfer_scene_id: '' })).toEqual([
      '/transfer_scene_id minLength',
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
    // 可选取值可能新增，请兼容新增值 [DOC 4012716434]: a new style passes.
    expect(failures(body, { ...validCreate, user_recv_style: { type: 'CASH' } })).toEqual([]);
    expect(failures(body, { ...validCreate, user_recv_perception: '' })).toEqual([]);
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

  it('recharges.apply takes an amount up to 8亿元 in any currency, both optional, and known channels', () => {
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
    // The apply page marks amount and currency 选填 and currency string(16) (人民币为CNY).
    expect(failures(body, { ...valid, recharge_amount: { amount: 100, currency: 'USD' } })).toEqual([]);
    expect(failures(body, { ...valid, recharge_amount: { amount: 100 } })).toEqual([]);
    expect(failures(body, { ...valid, recharge_amount: {} })).toEqual([]);
    expect(failures(body, { ...valid, recharge_amount: { currency: 'C'.repeat(17) } })).toEqual([
      '/recharge_amount/currency maxLength',
    ]);
    const amount = (fen: number) => ({ ...valid, recharge_amount: { amount: fen, currency: 'CNY' } });
    expect(failures(body, amount(0))).toEqual([]);
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
