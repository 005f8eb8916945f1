import type { OperationInput } from '@wxpay-kit/sdk';

export type CancelApplyInput = OperationInput<'cancelWithdraws.apply'>;
export type ConfirmContent = Pick<
  OperationInput<'cancelWithdraws.confirm'>,
  'operator_identification' | 'confirm_time' | 'cancel_contract_version'
>;

/** The payee plaintext the SDK encrypts: none of these strings may ever come back from the emulator. */
export const PAYEE_SECRETS = {
  account_name: '深圳某某科技有限公司',
  account_number: '6225880212345678901',
  identification_name: '张三丰',
  identification_no: '440301199001011234',
} as const;

/** Cancel and pay the balances out to a corporate account. */
export function withdrawApply(sub_mchid: string, out_request_no: string): CancelApplyInput {
  return {
    sub_mchid,
    out_request_no,
    withdraw: 'APPLY_WITHDRAW',
    payee_info: {
      account_type: 'ACCOUNT_TYPE_CORPORATE',
      bank_account_info: {
        account_name: PAYEE_SECRETS.account_name,
        account_bank: '招商银行',
        bank_branch_id: '308584000013',
        bank_branch_name: '招商银行深圳分行',
        account_number: PAYEE_SECRETS.account_number,
      },
    },
    remark: '注销提现',
  };
}

/** Cancel and pay out to a personal account: every one of the four encrypted fields is present. */
export function personalWithdrawApply(sub_mchid: string, out_request_no: string): CancelApplyInput {
  const corporate = withdrawApply(sub_mchid, out_request_no);
  return {
    ...corporate,
    payee_info: {
      account_type: 'ACCOUNT_TYPE_PERSONAL',
      bank_account_info: corporate.payee_info!.bank_account_info,
      identity_info: {
        id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD',
        identification_name: PAYEE_SECRETS.identification_name,
        identification_no: PAYEE_SECRETS.identification_no,
      },
    },
  };
}

/** Cancel only. */
export function cancelOnlyApply(sub_mchid: string, out_request_no: string): CancelApplyInput {
  return { sub_mchid, out_request_no, withdraw: 'NOT_APPLY_WITHDRAW' };
}

/** The confirmation content of the seed page's example. */
export const CONFIRM: ConfirmContent = {
  operator_identification: 'operator001',
  confirm_time: '2025-03-20T10:00:00+08:00',
  cancel_contract_version: 'V20241213',
};
