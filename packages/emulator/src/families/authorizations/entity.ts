import type { FamilyDeps } from '../family.js';
import type { AuthorizationRecord } from './store.js';

type FormatTime = FamilyDeps['formatTime'];

function closeInfo(record: AuthorizationRecord, formatTime: FormatTime) {
  if (record.state !== 'CLOSED' || record.closeTime === undefined) return undefined;
  return { close_time: formatTime(record.closeTime), close_reason: record.closeReason };
}

/**
 * The members the entity and the notification resource share, in seed 001's order, absent ones left out (WeChat
 * Pay omits them rather than sending null). Built member by member: spreading it into the entity and filtering
 * with defined() copied it twice on every read.
 */
function stateView(record: AuthorizationRecord, formatTime: FormatTime): Record<string, unknown> {
  const view: Record<string, unknown> = {
    out_authorization_no: record.outAuthorizationNo,
    appid: record.appid,
    openid: record.openid,
    user_display_name: record.userDisplayName,
  };
  if (record.authorizationId !== undefined) view['authorization_id'] = record.authorizationId;
  view['state'] = record.state;
  if (record.authorizeTime !== undefined) view['authorize_time'] = formatTime(record.authorizeTime);
  const close = closeInfo(record, formatTime);
  if (close) view['close_info'] = close;
  return view;
}

/** The authorization entity of A2/A3 (seed 001 field order). */
export function toEntity(record: AuthorizationRecord, formatTime: FormatTime): Record<string, unknown> {
  const entity = stateView(record, formatTime);
  entity['transfer_scene_id'] = record.transferSceneId;
  if (record.userRecvPerception !== undefined) entity['user_recv_perception'] = record.userRecvPerception;
  entity['create_time'] = formatTime(record.createTime);
  return entity;
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
  return stateView(record, formatTime);
}
