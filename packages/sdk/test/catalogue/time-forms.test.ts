import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { AuthorizationEntity, MerchantTransferBillEntity } from '../../src/catalogue/index.js';

// The official examples write times with milliseconds (2015-05-20T13:29:35.120+08:00) and some pages without;
// the emulator emits the first form. Both are RFC 3339 and both are what a response may carry.
describe('response times: with and without milliseconds', () => {
  const times = ['2015-05-20T13:29:35.120+08:00', '2015-05-20T13:29:35+08:00'];

  it.each(times)('an authorization with %s passes its schema', (time) => {
    const entity = {
      out_authorization_no: 'plfk2020042013',
      appid: 'wxf636efh567hg4356',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      user_display_name: 'wx_123456',
      state: 'TAKING_EFFECT',
      authorization_id: '201202504101000123456789012',
      authorize_time: time,
      create_time: time,
    };
    expect([...Value.Errors(AuthorizationEntity, entity)]).toEqual([]);
  });

  it.each(times)('a merchant transfer bill with %s passes its schema', (time) => {
    const bill = {
      mch_id: '1900001109',
      out_bill_no: 'plfk2020042013',
      transfer_bill_no: '1330000071100999991182020050700019480001',
      appid: 'wxf636efh567hg4356',
      state: 'SUCCESS',
      transfer_amount: 400000,
      transfer_remark: '新会员开通有礼',
      create_time: time,
      update_time: time,
    };
    expect([...Value.Errors(MerchantTransferBillEntity, bill)]).toEqual([]);
  });

  it('a time without an offset does not', () => {
    const bill = { create_time: '2015-05-20T13:29:35.120' };
    expect(Value.Check(MerchantTransferBillEntity.properties.create_time, bill.create_time)).toBe(false);
  });
});
