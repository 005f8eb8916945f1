/**
 * Transfer scenes (转账场景) with a published report-info page [DOC 4013774588–4013774595], shared by
 * authorizations and transfer bills. The field itself is `string(36)` and its descriptions give further scenes
 * as examples (`1006` 企业报销 on DOC 4015901167 / 4012716434, `1001` on DOC 4015469096), and merchants apply for
 * scenes in the merchant platform, so this list is a set of typed suggestions, never the set of valid values.
 */
export const TRANSFER_SCENE_IDS = ['1000', '1002', '1004', '1005', '1009', '1010', '1011', '1013'] as const;

/** Scenes named in field descriptions without a report-info page. Also suggestions, not a limit. */
export const TRANSFER_SCENE_IDS_MENTIONED = ['1001', '1006'] as const;

export type KnownTransferSceneId =
  | (typeof TRANSFER_SCENE_IDS)[number]
  | (typeof TRANSFER_SCENE_IDS_MENTIONED)[number];

/** A scene id as the SDK accepts it: a known one, offered by the editor, or any other string. */
export type TransferSceneId = KnownTransferSceneId | (string & {});

/**
 * The `info_type` values each scene must report in `transfer_scene_report_infos`, each exactly once in its
 * own item (spec P2.2, official scene pages 4013774588–4013774595). Further items are allowed. A scene without
 * an entry here has no rule the SDK knows of, so its items are not checked.
 */
export const TRANSFER_SCENE_REPORT_INFO_TYPES: Readonly<
  Record<(typeof TRANSFER_SCENE_IDS)[number], readonly string[]>
> = {
  '1000': ['活动名称', '奖励说明'],
  '1002': ['补贴类型'],
  '1004': ['保险产品备案编号', '保险名称', '保险操作单号'],
  '1005': ['岗位类型', '报酬说明'],
  '1009': ['采购商品名称'],
  '1010': ['回收商品名称'],
  '1011': ['赔付原因'],
  '1013': ['公益活动名称', '公益活动备案编号'],
};
