import type { OperationInput } from '@wxpay-kit/sdk';

export type RechargeApplyInput = OperationInput<'recharges.apply'>;

/** A deposit recharge of 100.00 CNY for the sub-merchant; `extra` adds or replaces fields. */
export function rechargeApply(
  sub_mchid: string,
  out_recharge_no: string,
  extra: Partial<RechargeApplyInput> = {},
): RechargeApplyInput {
  return {
    sub_mchid,
    out_recharge_no,
    recharge_scene: 'ECOMMERCE_DEPOSIT',
    account_type: 'DEPOSIT',
    recharge_amount: { amount: 10_000, currency: 'CNY' },
    ...extra,
  };
}

/** What the payer reports per channel (the control API's pay body), and the info object the API then shows. */
export const PAYMENTS = {
  BANK_TRANSFER: {
    infoField: 'bank_transfer_info',
    body: {
      bill_no: '202505201234567890',
      memo: '保证金充值',
      bank_name: '招商银行',
      bank_card_tail: '1234',
      bank_account_name: '某某科技有限公司',
    },
  },
  QR_RECHARGE: {
    infoField: 'qr_recharge_info',
    body: { openid: 'o-MYE42l80oelYMDE34nYD456Xoy', employee_type: 'ADMIN' },
  },
  ONLINE_BANK: {
    infoField: 'online_bank_recharge_info',
    body: {
      bill_no: 'OB20250520000123',
      bank_name: '中国工商银行',
      online_bank_type: 'ONLINE_BANK_TYPE_CORPORATE',
      bank_card_tail: '9876',
      bank_account_name: '某某科技有限公司',
    },
  },
} as const;

export type RechargeChannel = keyof typeof PAYMENTS;
