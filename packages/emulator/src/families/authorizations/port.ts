import { ApiError } from '../../wire/api-error.js';
import type { AuthorizationsPort, AuthorizationView, FamilyDeps } from '../family.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { applyEffects } from './advance.js';
import { checkOpenLimit, grantRow } from './machine.js';
import {
  type AuthorizationRecord,
  countOpenAuthorizations,
  findAuthorization,
  findByAuthorizationId,
  insertAuthorization,
} from './store.js';

function view(record: AuthorizationRecord): AuthorizationView {
  return {
    mchid: record.mchid,
    outAuthorizationNo: record.outAuthorizationNo,
    authorizationId: record.authorizationId,
    state: record.state,
    closeReason: record.closeReason,
    appid: record.appid,
    openid: record.openid,
    transferSceneId: record.transferSceneId,
  };
}

/**
 * The authorization family's side of transfers under an authorization, run with the deps of the call that needs
 * it (inside that call's transaction). `deps` is a function because the port is itself one of the deps.
 */
export function createAuthorizationsPort(deps: () => FamilyDeps): AuthorizationsPort {
  return {
    find(mchid, by) {
      const { db } = deps();
      const byId =
        by.authorizationId === undefined ? undefined : findByAuthorizationId(db, mchid, by.authorizationId);
      const byNo =
        by.outAuthorizationNo === undefined ? undefined : findAuthorization(db, mchid, by.outAuthorizationNo);
      if (byId && byNo && byId.id !== byNo.id) {
        throw new ApiError(
          400,
          'INVALID_REQUEST',
          `authorization_id与out_authorization_no对应的免确认收款授权不一致 (authorization_id ${by.authorizationId} and out_authorization_no ${by.outAuthorizationNo} name different authorizations)`,
        );
      }
      const record = byId ?? byNo;
      // Both given: both must name it.
      if (
        record &&
        by.authorizationId !== undefined &&
        by.outAuthorizationNo !== undefined &&
        !(byId && byNo)
      ) {
        return undefined;
      }
      return record && view(record);
    },
    grant(grant, now) {
      const d = deps();
      const taken = findAuthorization(d.db, grant.mchid, grant.outAuthorizationNo);
      if (taken) {
        throw new ApiError(
          400,
          'INVALID_REQUEST',
          `商户侧授权单号已存在 (out_authorization_no ${grant.outAuthorizationNo} is already used by another authorization: ${taken.state})`,
        );
      }
      // The user's open authorizations in the scene are limited as for A1.
      const open = countOpenAuthorizations(d.db, grant.mchid, grant.openid, grant.transferSceneId);
      checkOpenLimit(open, grant.openid, grant.transferSceneId);
      const record = insertAuthorization(d.db, {
        face: grant.face,
        mchid: grant.mchid,
        outAuthorizationNo: grant.outAuthorizationNo,
        appid: grant.appid,
        openid: grant.openid,
        transferSceneId: grant.transferSceneId,
        userDisplayName: grant.userDisplayName,
        userRecvPerception: grant.userRecvPerception,
        notifyUrl: grant.notifyUrl,
        packageInfo: '',
        state: grantRow.to,
        authorizationId: d.newId('2012', 27),
        authorizeTime: now,
        createTime: now,
        requestCanonical: canonicalJson(grant),
      });
      applyEffects(d, record, grantRow, now);
      return view(record);
    },
  };
}
