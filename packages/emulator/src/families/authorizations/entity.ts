import type { FamilyDeps } from '../family.js';
import { defined } from '../shared/defined.js';
import type { AuthorizationRecord } from './store.js';

type FormatTime = FamilyDeps['formatTime'];

function closeInfo(record: AuthorizationRecord, formatTime: FormatTime) {
  if (record.state !== 'CLOSED' || record.closeTime === undefined) return undefined;
  return { close_time: formatTime(record.closeTime), close_reason: record.closeReason };
}

/** The members the entity and the notification resource share, in seed 001's order. */
function stateView(record: AuthorizationRecord, formatTime: FormatTime) {
  return {
    out_authorization_no: record.outAuthorizationNo,
    appid: record.appid,
    openid: record.openid,
    user_display_name: record.userDisplayName,
    authorization_id: record.authorizationId,
    state: record.state,
    authorize_time: record.authorizeTime === undefined ? undefined : formatTime(record.authorizeTime),
    close_info: closeInfo(record, formatTime),
  };
}

/** The authorization entity of A2/A3 (seed 001 field order). */
export function toEntity(record: AuthorizationRecord, formatTime: FormatTime): Record<string, unknown> {
  return defined({
    ...stateView(record, formatTime),
    transfer_scene_id: record.transferSceneId,
    user_recv_perception: record.userRecvPerception,
    create_time: formatTime(record.createTime),
  });
}

/** A1's answer. */
export function toApplyResponse(
  record: AuthorizationRecord,
  formatTime: FormatTime,
): Record<string, unknown> {
  return {
    out_authorization_no: record.outAuthorizationNo,
    state: record.state,
    create_time: formatTime(record.createTime),
    package_info: record.packageInfo,
  };
}

/** The decrypted `resource` of MCHTRANSFER.AUTHORIZATION.* (spec P2.1 Notifications). */
export function toNotificationResource(
  record: AuthorizationRecord,
  formatTime: FormatTime,
): Record<string, unknown> {
  return defined(stateView(record, formatTime));
}
