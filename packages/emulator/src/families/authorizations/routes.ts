import { randomBase64 } from '@wxpay-kit/sdk/protocol';
import { ApiError } from '../../wire/api-error.js';
import type { FamilyDeps, OperationCall, OperationHandler } from '../family.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { checkNotifyUrl } from '../shared/notify-url.js';
import { checkTransferSceneEnabled, enabledTransferScenes } from '../shared/transfer-scene.js';
import { advance, applyEffects } from './advance.js';
import { toApplyResponse, toEntity } from './entity.js';
import { applyRow, checkOpenLimit } from './machine.js';
import {
  type AuthorizationFace,
  type AuthorizationRecord,
  countOpenAuthorizations,
  findAuthorization,
  insertAuthorization,
} from './store.js';

/** A1 body after validation against the catalogue (the partner twin names the callback `notify_url`). */
interface ApplyBody {
  out_authorization_no: string;
  appid: string;
  openid: string;
  transfer_scene_id: string;
  user_display_name: string;
  user_recv_perception?: string;
  authorization_notify_url?: string;
  notify_url?: string;
  scene_info?: Record<string, string>;
}

export const NOT_FOUND_MESSAGE = '免确认收款授权不存在';

export function notFound(): ApiError {
  return new ApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
}

function existing(deps: FamilyDeps, call: OperationCall): AuthorizationRecord {
  const outNo = call.params['out_authorization_no'] ?? '';
  const record = findAuthorization(deps.db, call.caller.mchid, outNo);
  if (!record) throw notFound();
  return record;
}

/** Opaque to the merchant: it only hands it to wx.requestMerchantTransfer. */
function newPackageInfo(): string {
  return randomBase64(48);
}

/** A1 repeated with the same number: the same request while still pending answers as the first did. */
function checkRepeatedApply(record: AuthorizationRecord, canonical: string): void {
  const no = record.outAuthorizationNo;
  if (record.requestCanonical !== canonical) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      // No page words this refusal: a plain Chinese message like the transfer bills' documented one.
      `商户侧授权单号已存在但信息不一致，请更换商户侧授权单号 (out_authorization_no ${no} was already used with different parameters; use a new out_authorization_no)`,
    );
  }
  if (record.state !== 'WAIT_USER_CONFIRM') {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `当前申请单已解除或已授权成功 (authorization ${no} is ${record.state}; ` +
        'query it, or apply with a new out_authorization_no)',
    );
  }
}

const apply =
  (face: AuthorizationFace): OperationHandler =>
  (deps, call) => {
    const body = call.body as ApplyBody;
    const urlField = face === 'merchant' ? 'authorization_notify_url' : 'notify_url';
    const notifyUrl = body[urlField] ?? '';
    checkNotifyUrl(notifyUrl, `/${urlField}`, deps.settings);
    const mchid = call.caller.mchid;
    // The scenes the applicant has (the service provider's own for partnerApply), as the control API sets them.
    checkTransferSceneEnabled(body.transfer_scene_id, mchid, enabledTransferScenes(deps.db, mchid));
    const canonical = canonicalJson(body);
    const previous = findAuthorization(deps.db, mchid, body.out_authorization_no);
    if (previous) {
      checkRepeatedApply(previous, canonical);
      return { status: 200, body: toApplyResponse(previous, deps.formatTime) };
    }
    const open = countOpenAuthorizations(deps.db, mchid, body.openid, body.transfer_scene_id);
    checkOpenLimit(open, body.openid, body.transfer_scene_id);
    const now = deps.clock.now();
    const record = insertAuthorization(deps.db, {
      face,
      mchid,
      outAuthorizationNo: body.out_authorization_no,
      appid: body.appid,
      openid: body.openid,
      transferSceneId: body.transfer_scene_id,
      userDisplayName: body.user_display_name,
      userRecvPerception: body.user_recv_perception,
      notifyUrl,
      packageInfo: newPackageInfo(),
      state: applyRow.to,
      createTime: now,
      requestCanonical: canonical,
    });
    applyEffects(deps, record, applyRow, now);
    return { status: 200, body: toApplyResponse(record, deps.formatTime) };
  };

const get: OperationHandler = (deps, call) => ({
  status: 200,
  body: toEntity(existing(deps, call), deps.formatTime),
});

const close: OperationHandler = (deps, call) => {
  const record = advance(deps, existing(deps, call), { type: 'close' }, deps.clock.now());
  return { status: 200, body: toEntity(record, deps.formatTime) };
};

export const operations: Record<string, OperationHandler> = {
  'authorizations.apply': apply('merchant'),
  'authorizations.get': get,
  'authorizations.close': close,
  'authorizations.partnerApply': apply('partner'),
  'authorizations.partnerGet': get,
  'authorizations.partnerClose': close,
};
