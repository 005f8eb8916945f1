/**
 * Transfer scenes (转账场景) shared by authorizations and transfer bills. `1006` (企业报销) appears in field
 * descriptions but not in the published enum, so it is not accepted here.
 */
export const TRANSFER_SCENE_IDS = ['1000', '1002', '1004', '1005', '1009', '1010', '1011', '1013'] as const;

export type TransferSceneId = (typeof TRANSFER_SCENE_IDS)[number];

/**
 * The `info_type` values each scene must report in `transfer_scene_report_infos`, each exactly once in its
 * own item (spec P2.2, official scene pages 4013774588–4013774595). Further items are allowed.
 */
export const TRANSFER_SCENE_REPORT_INFO_TYPES: Readonly<Record<TransferSceneId, readonly string[]>> = {
  '1000': ['活动名称', '奖励说明'],
  '1002': ['补贴类型'],
  '1004': ['保险产品备案编号', '保险名称', '保险操作单号'],
  '1005': ['岗位类型', '报酬说明'],
  '1009': ['采购商品名称'],
  '1010': ['回收商品名称'],
  '1011': ['赔付原因'],
  '1013': ['公益活动名称', '公益活动备案编号'],
};
