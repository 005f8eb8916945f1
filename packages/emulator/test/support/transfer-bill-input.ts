import type { OperationInput } from '@wxpay-kit/sdk/catalogue';

type TransferBillInput = OperationInput<'transferBills.create'>;

/** A transferBills.create input for the service provider's first dev sub-merchant (1900000211). */
export function transferBillInput(
  out_bill_no: string,
  extra: Partial<TransferBillInput> = {},
): TransferBillInput {
  return {
    sub_mchid: '1900000211',
    appid: 'wxd678efh567hg6787',
    out_bill_no,
    transfer_scene_id: '1000',
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    transfer_amount: 100,
    transfer_remark: 'test',
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新会员有礼' },
      { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
    ],
    ...extra,
  };
}
