import Type from 'typebox';
import { AUTHORIZATION_CLOSE_REASONS } from './authorizations.js';
import { RECHARGE_CHANNELS, RechargeEntity } from './recharges.js';
import { responseObject, responseText, rfc3339, stringEnum } from './schemas.js';
import { TRANSFER_BILL_STATES } from './transfer-bills.js';
import type { FamilyName, NotificationSpec } from './types.js';

function repeat(delay: number, times: number): number[] {
  return Array.from({ length: times }, () => delay);
}

/**
 * 商家转账 pages [DOC 4012712115, 4014512908]: at once, then 15 s × 10, 300 s × 10, 1800 s × 44 (65 attempts).
 */
export const RETRY_SCHEDULE_TRANSFER: readonly number[] = Object.freeze([
  0,
  ...repeat(15, 10),
  ...repeat(300, 10),
  ...repeat(1800, 44),
]);

/**
 * The generic schedule of most notification pages [DOC 4012083103]: the first attempt, then the 15 documented
 * intervals 15s 15s 30s 3m 10m 20m 30m 30m 30m 60m 3h 3h 3h 6h 6h (24 h 4 min in all).
 */
export const RETRY_SCHEDULE_GENERIC: readonly number[] = Object.freeze([
  0, 15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
]);

const optionalText = (description: string) => Type.Optional(responseText(description));

export const authorizationNotification = {
  family: 'authorizations',
  eventTypes: ['MCHTRANSFER.AUTHORIZATION.CONFIRMED', 'MCHTRANSFER.AUTHORIZATION.CLOSED'],
  originalType: 'mch_payment',
  associatedData: 'mch_payment',
  resource: responseObject(
    {
      out_authorization_no: responseText('【商户侧授权单号】Merchant authorization number'),
      appid: optionalText('【商户AppID】AppID'),
      openid: optionalText('【收款用户OpenID】The user under the AppID'),
      user_display_name: optionalText('【用户展示昵称】Nickname shown in the authorization details'),
      authorization_id: optionalText('【微信免确认收款授权单号】WeChat Pay authorization number'),
      state: stringEnum(['TAKING_EFFECT', 'CLOSED'], '【授权状态】Authorization state'),
      authorize_time: Type.Optional(rfc3339('【用户确认授权的时间】When the user agreed (RFC 3339)')),
      close_info: Type.Optional(
        responseObject(
          {
            close_time: rfc3339('【关闭时间】Close time (RFC 3339)'),
            close_reason: stringEnum(AUTHORIZATION_CLOSE_REASONS, '【关闭原因】Why it was closed'),
          },
          '【关闭信息】Close information',
        ),
      ),
    },
    '免确认收款授权通知 Authorization notification plaintext',
  ),
  retrySchedule: RETRY_SCHEDULE_TRANSFER,
  retryScheduleSource: 'documented',
} as const satisfies NotificationSpec;

export const transferBillNotification = {
  family: 'transferBills',
  eventTypes: ['MCHTRANSFER.BILL.FINISHED'],
  originalType: 'mch_payment',
  associatedData: 'mch_payment',
  resource: responseObject(
    {
      out_bill_no: responseText('【商户单号】Merchant bill number'),
      transfer_bill_no: responseText('【微信转账单号】WeChat Pay transfer bill number'),
      state: stringEnum(TRANSFER_BILL_STATES, '【单据状态】Final state: SUCCESS, FAIL or CANCELLED'),
      mchid: optionalText('【商户号】Service provider merchant number (partner spelling, unconfirmed)'),
      sub_mchid: optionalText('【子商户号】Sub-merchant number (partner, unconfirmed)'),
      mch_id: optionalText('【商户号】Merchant number (ordinary-merchant spelling)'),
      transfer_amount: Type.Optional(Type.Integer({ description: '【转账金额】Amount in fen' })),
      openid: optionalText('【收款用户OpenID】The receiving user'),
      fail_reason: optionalText('【失败原因】Why the bill failed'),
      create_time: Type.Optional(rfc3339('【单据创建时间】When the bill was accepted (RFC 3339)')),
      update_time: Type.Optional(rfc3339('【最后一次状态变更时间】Last state change (RFC 3339)')),
      payment_method_type: Type.Optional(
        stringEnum(['CFT', 'WPHK'], '【支付方式】Tenpay (CFT) or WeChat Pay HK (WPHK)'),
      ),
    },
    '商家转账单据终态通知 Transfer bill final-state notification plaintext',
  ),
  retrySchedule: RETRY_SCHEDULE_TRANSFER,
  retryScheduleSource: 'documented',
} as const satisfies NotificationSpec;

const FundReturned = responseObject(
  {
    recharge_returned_id: responseText('【充值退回单号】Return number'),
    sp_mchid: optionalText('【平台商户号】Platform merchant number'),
    sub_mchid: optionalText('【二级商户号】Sub-merchant number'),
    recharge_id: optionalText('【微信支付充值单号】WeChat Pay recharge number'),
    out_recharge_no: optionalText('【商户充值单号】Merchant recharge number'),
    recharge_channel: Type.Optional(stringEnum(RECHARGE_CHANNELS, '【充值渠道】Channel the funds came by')),
    detail: Type.Optional(
      responseObject(
        {
          bank_name: optionalText('【银行名称】Bank'),
          bank_card_tail: optionalText('【卡号尾号】Last four digits'),
          bank_account_name: optionalText('【户名】Account name'),
          amount: Type.Optional(Type.Integer({ description: '【金额】Amount in fen' })),
          currency: optionalText('【货币类型】Currency'),
          memo: optionalText('【附言】Memo'),
          return_time: Type.Optional(rfc3339('【退回时间】When the funds were returned (RFC 3339)')),
          return_reason: optionalText('【退回原因】Why the funds were returned'),
        },
        '【退回详情】Return details',
      ),
    ),
  },
  'RECHARGE.FUND_RETURNED plaintext',
);

export const rechargeNotification = {
  family: 'recharges',
  eventTypes: ['RECHARGE.SUCCESS', 'RECHARGE.CLOSED', 'RECHARGE.FUND_RETURNED'],
  originalType: 'recharge',
  associatedData: 'recharge',
  resource: Type.Union([RechargeEntity, FundReturned], {
    description: 'The recharge entity (SUCCESS, CLOSED) or the fund-return record (FUND_RETURNED)',
  }),
  // The recharge notify page was not available: the generic schedule is an assumption.
  retrySchedule: RETRY_SCHEDULE_GENERIC,
  retryScheduleSource: 'assumed',
} as const satisfies NotificationSpec;

/** One row per family that notifies. Cancel-withdraw has no confirmed notification, so it has none. */
export const notifications = {
  authorizations: authorizationNotification,
  transferBills: transferBillNotification,
  recharges: rechargeNotification,
} as const satisfies Partial<Record<FamilyName, NotificationSpec>>;

export const notificationList: readonly NotificationSpec[] = Object.values(notifications);

export function findNotificationSpec(eventType: string): NotificationSpec | undefined {
  return notificationList.find((spec) => spec.eventTypes.includes(eventType));
}
