import {
  findNotificationSpec,
  notificationList,
  notifications,
  RETRY_SCHEDULE_GENERIC,
  RETRY_SCHEDULE_TRANSFER,
  RechargeEntity,
} from '@wxpay-kit/sdk/catalogue';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { seedPages } from './seed-pages.js';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('notifications', () => {
  it('the transfer schedule is 0, 15 s × 10, 300 s × 10, 1800 s × 44 (65 attempts)', () => {
    expect(RETRY_SCHEDULE_TRANSFER).toHaveLength(65);
    expect(RETRY_SCHEDULE_TRANSFER[0]).toBe(0);
    expect(RETRY_SCHEDULE_TRANSFER.slice(1, 11).every((d) => d === 15)).toBe(true);
    expect(RETRY_SCHEDULE_TRANSFER.slice(11, 21).every((d) => d === 300)).toBe(true);
    expect(RETRY_SCHEDULE_TRANSFER.slice(21).every((d) => d === 1800)).toBe(true);
    expect(sum(RETRY_SCHEDULE_TRANSFER)).toBe(150 + 3000 + 79200);
  });

  it('the generic schedule is the first attempt plus 15 intervals totalling 24 h 4 min', () => {
    expect(RETRY_SCHEDULE_GENERIC).toHaveLength(16);
    expect(RETRY_SCHEDULE_GENERIC[0]).toBe(0);
    expect(sum(RETRY_SCHEDULE_GENERIC)).toBe(24 * 3600 + 4 * 60);
    expect(Object.isFrozen(RETRY_SCHEDULE_GENERIC)).toBe(true);
  });

  it('names event types, original_type and associated_data per family', () => {
    expect(notifications.authorizations).toMatchObject({
      eventTypes: ['MCHTRANSFER.AUTHORIZATION.CONFIRMED', 'MCHTRANSFER.AUTHORIZATION.CLOSED'],
      originalType: 'mch_payment',
      associatedData: 'mch_payment',
      retrySchedule: RETRY_SCHEDULE_TRANSFER,
      retryScheduleSource: 'documented',
    });
    expect(notifications.transferBills).toMatchObject({
      eventTypes: ['MCHTRANSFER.BILL.FINISHED'],
      originalType: 'mch_payment',
      retrySchedule: RETRY_SCHEDULE_TRANSFER,
    });
    expect(notifications.recharges).toMatchObject({
      eventTypes: ['RECHARGE.SUCCESS', 'RECHARGE.CLOSED', 'RECHARGE.FUND_RETURNED'],
      originalType: 'recharge',
      associatedData: 'recharge',
      retrySchedule: RETRY_SCHEDULE_GENERIC,
      retryScheduleSource: 'assumed',
    });
    expect(notificationList.map((n) => n.family)).not.toContain('cancelWithdraws');
    expect(findNotificationSpec('RECHARGE.FUND_RETURNED')?.family).toBe('recharges');
    expect(findNotificationSpec('TRANSACTION.SUCCESS')).toBeUndefined();
  });

  it('resource schemas accept the documented plaintexts', () => {
    const recharge = seedPages.find((p) => p.operation === 'recharges.close')!.exampleResponse;
    const rechargeResource = Compile(notifications.recharges.resource);
    expect(rechargeResource.Check(recharge)).toBe(true);
    expect(
      rechargeResource.Check({ recharge_returned_id: 'R1', detail: { amount: 100, currency: 'CNY' } }),
    ).toBe(true);
    expect(rechargeResource.Check({ out_recharge_no: 'cz1' })).toBe(false);
    expect(Compile(RechargeEntity).Check(recharge)).toBe(true);
    const authorization = Compile(notifications.authorizations.resource);
    expect(
      authorization.Check({
        out_authorization_no: 'plfk2020042013',
        state: 'CLOSED',
        close_info: { close_time: '2015-05-20T13:29:35.120+08:00', close_reason: 'USER_CLOSE' },
      }),
    ).toBe(true);
    expect(authorization.Check({ out_authorization_no: 'plfk2020042013', state: 'WAIT_USER_CONFIRM' })).toBe(
      false,
    );
    expect(
      Compile(notifications.transferBills.resource).Check({
        out_bill_no: 'plfk2020042013',
        transfer_bill_no: '1330000071100999991182020050700019480001',
        state: 'SUCCESS',
        mchid: '1900001109',
        sub_mchid: '1900001121',
        transfer_amount: 400000,
        update_time: '2015-04-21T13:31:35.120+08:00',
      }),
    ).toBe(true);
  });
});
