import { describe, expect, expectTypeOf, it } from 'vitest';
import { type OperationInput, type OperationOutput, operations } from '../../src/catalogue/operations.js';
import { buildFamilies } from '../../src/client/build-families.js';
import { WechatPayPromise, type WithResponse } from '../../src/client/response-promise.js';
import type { WechatPay } from '../../src/client/wechat-pay.js';
import type { CallOptions } from '../../src/client/wechat-pay-options.js';

describe('buildFamilies', () => {
  it('builds one frozen namespace per family with one method per row, each invoking its operation', async () => {
    const calls: Array<[string, unknown, unknown]> = [];
    const families = buildFamilies((name, input, options) => {
      calls.push([name, input, options]);
      const response = { status: 200, headers: {}, requestId: 'R', url: 'u', attempts: 1 };
      return new WechatPayPromise(Promise.resolve({ data: name, ...response }));
    });
    const expected = new Map<string, string[]>();
    for (const name of Object.keys(operations)) {
      const [family = '', verb = ''] = name.split('.');
      expected.set(family, [...(expected.get(family) ?? []), verb]);
    }
    expect(Object.keys(families).sort()).toEqual([...expected.keys()].sort());
    for (const [family, verbs] of expected) {
      const namespace = (families as unknown as Record<string, Record<string, unknown>>)[family];
      expect(Object.keys(namespace ?? {}).sort()).toEqual(verbs.sort());
      expect(Object.isFrozen(namespace)).toBe(true);
    }
    const signal = AbortSignal.abort();
    await expect(
      families.recharges.close({ out_recharge_no: 'R1', sub_mchid: '1' }, { signal }),
    ).resolves.toBe('recharges.close');
    expect(calls).toEqual([['recharges.close', { out_recharge_no: 'R1', sub_mchid: '1' }, { signal }]]);
  });
});

describe('method types', () => {
  it('derive input and output from the catalogue rows', () => {
    expectTypeOf<WechatPay['recharges']['close']>().parameters.toEqualTypeOf<
      [OperationInput<'recharges.close'>, CallOptions?]
    >();
    expectTypeOf<WechatPay['transferBills']['cancel']>().returns.toEqualTypeOf<
      WechatPayPromise<OperationOutput<'transferBills.cancel'>>
    >();
    expectTypeOf<ReturnType<WechatPay['transferBills']['cancel']>>().resolves.toEqualTypeOf<
      OperationOutput<'transferBills.cancel'>
    >();
    expectTypeOf<ReturnType<WechatPay['transferBills']['cancel']>['withResponse']>().returns.toEqualTypeOf<
      Promise<WithResponse<OperationOutput<'transferBills.cancel'>>>
    >();
    expectTypeOf<OperationInput<'recharges.close'>>().toMatchTypeOf<{
      out_recharge_no: string;
      sub_mchid: string;
    }>();
    expectTypeOf<OperationOutput<'authorizations.close'>>().toHaveProperty('state');
  });

  it('reject inputs the row does not allow', () => {
    const check = (wxpay: WechatPay) => {
      // @ts-expect-error sub_mchid is required for recharges.close
      void wxpay.recharges.close({ out_recharge_no: 'R1' });
      // @ts-expect-error out_bill_no must be a string
      void wxpay.transferBills.cancel({ out_bill_no: 1, sub_mchid: '1' });
      // @ts-expect-error there is no transferBills.delete
      void wxpay.transferBills.delete;
    };
    expect(typeof check).toBe('function');
  });
});
