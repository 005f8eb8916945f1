import { describe, expect, expectTypeOf, it } from 'vitest';
import { WechatPay } from '../../src/client/wechat-pay.js';
import type { CatalogueNotificationEvent } from '../../src/notifications/index.js';
import { buildSignedNotification } from '../../src/testing/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { testClientOptions } from '../support/test-client.js';
import { testKeys } from '../support/test-keys.js';

type Of<E extends CatalogueNotificationEvent['event_type']> = Extract<
  CatalogueNotificationEvent,
  { event_type: E }
>;

describe('CatalogueNotificationEvent', () => {
  it('has one member per documented event type, each with that family resource', () => {
    expectTypeOf<CatalogueNotificationEvent['event_type']>().toEqualTypeOf<
      | 'MCHTRANSFER.AUTHORIZATION.CONFIRMED'
      | 'MCHTRANSFER.AUTHORIZATION.CLOSED'
      | 'MCHTRANSFER.BILL.FINISHED'
      | 'RECHARGE.SUCCESS'
      | 'RECHARGE.CLOSED'
      | 'RECHARGE.FUND_RETURNED'
    >();
    expectTypeOf<Of<'MCHTRANSFER.BILL.FINISHED'>['resource']['out_bill_no']>().toEqualTypeOf<string>();
    expectTypeOf<Of<'MCHTRANSFER.AUTHORIZATION.CLOSED'>['resource']>().toHaveProperty('out_authorization_no');
    expectTypeOf<Of<'MCHTRANSFER.AUTHORIZATION.CLOSED'>['resource']>().not.toHaveProperty('out_bill_no');
  });

  it('wxpay.notifications.parse without a type argument narrows by event_type', async () => {
    const apiV3Key = '0123456789abcdef0123456789ABCDEF';
    const keys = testKeys();
    const { headers, body } = await buildSignedNotification({
      eventType: 'MCHTRANSFER.BILL.FINISHED',
      resource: {
        out_bill_no: 'plfk2020042013',
        transfer_bill_no: '1330000071100999991182020050700019480001',
        state: 'SUCCESS',
      },
      originalType: 'mch_payment',
      associatedData: 'mch_payment',
      apiV3Key,
      privateKey: keys.platform.privateKey,
      serial: keys.platform.id,
    });
    const wxpay = new WechatPay({
      ...testClientOptions('https://api.mch.weixin.qq.com', new FakeClock()),
      apiV3Key,
    });
    const event = await wxpay.notifications.parse({ headers, body });
    let billNo: string | undefined;
    switch (event.event_type) {
      case 'MCHTRANSFER.BILL.FINISHED':
        billNo = event.resource.out_bill_no;
        break;
      default:
        billNo = undefined;
    }
    expect(billNo).toBe('plfk2020042013');
  });
});
