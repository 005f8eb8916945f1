import { TRANSFER_SCENE_REPORT_INFO_TYPES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';

/** The scenes whose report-info rules are published [DOC 4013774588–4013774595]: what a merchant can have. */
export const KNOWN_TRANSFER_SCENES: readonly string[] = Object.keys(TRANSFER_SCENE_REPORT_INFO_TYPES);

/**
 * Merchants apply for transfer scenes in the merchant platform; a scene the merchant does not have is refused by
 * WeChat Pay, not by the field's format (`transfer_scene_id` is string(36)). The answer is the captured one,
 * 400 INVALID_REQUEST 你尚未获取该转账场景 (the wording of fail_reason TRANSFER_SCENE_INVALID [DOC 4013774966]).
 * `enabled` defaults to every published scene; the transfer-bill family lets a test narrow it per merchant.
 */
export function checkTransferSceneEnabled(
  sceneId: string,
  mchid: string,
  enabled: readonly string[] = KNOWN_TRANSFER_SCENES,
): void {
  if (enabled.includes(sceneId)) return;
  throw new ApiError(
    400,
    'INVALID_REQUEST',
    `你尚未获取该转账场景，请确认转账场景ID是否正确 (transfer_scene_id ${sceneId} is not enabled for merchant ${mchid}; it has ${enabled.join(', ') || 'none'})`,
    {
      field: '/transfer_scene_id',
      value: sceneId,
      issue: `scene ${sceneId} is not enabled for this merchant`,
      location: 'body',
    },
  );
}
