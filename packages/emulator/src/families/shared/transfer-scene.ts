import { TRANSFER_SCENE_REPORT_INFO_TYPES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';

/**
 * Merchants apply for transfer scenes in the merchant platform; a scene the merchant does not have is refused by
 * WeChat Pay, not by the field's format (`transfer_scene_id` is string(36)). Every emulated merchant has the
 * scenes whose report-info rules are published [DOC 4013774588–4013774595], and no other: such a scene is
 * answered 403 NO_AUTH (which code WeChat Pay uses is unconfirmed; see docs/fidelity.md).
 */
export function checkTransferSceneEnabled(sceneId: string, mchid: string): void {
  if (Object.hasOwn(TRANSFER_SCENE_REPORT_INFO_TYPES, sceneId)) return;
  const enabled = Object.keys(TRANSFER_SCENE_REPORT_INFO_TYPES).join(', ');
  throw new ApiError(
    403,
    'NO_AUTH',
    `商户未开通该转账场景: transfer_scene_id ${sceneId} is not enabled for merchant ${mchid} (the emulator's merchants have ${enabled})`,
    {
      field: '/transfer_scene_id',
      value: sceneId,
      issue: `scene ${sceneId} is not enabled for this merchant`,
      location: 'body',
    },
  );
}
