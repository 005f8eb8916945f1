import type { FamilyDeps } from '../family.js';
import { defined } from '../shared/defined.js';
import type { TransferBillRecord } from './store.js';

type FormatTime = FamilyDeps['formatTime'];

/**
 * The partner bill entity (seed 004 field order). `encryptedUserName` is `user_name` already encrypted for the
 * caller's certificate key; control-API views pass none and so never show the name.
 */
export function toEntity(
  bill: TransferBillRecord,
  formatTime: FormatTime,
  encryptedUserName?: string,
): Record<string, unknown> {
  return defined({
    sub_mchid: bill.subMchid,
    mchid: bill.mchid,
    out_bill_no: bill.outBillNo,
    transfer_bill_no: bill.transferBillNo,
    appid: bill.appid,
    state: bill.state,
    transfer_amount: bill.transferAmount,
    transfer_remark: bill.transferRemark,
    fail_reason: bill.failReason,
    openid: bill.openid,
    user_name: encryptedUserName,
    create_time: formatTime(bill.createTime),
    update_time: formatTime(bill.updateTime),
  });
}

/** The entity as a merchant API reply: `user_name`, when given at create, encrypted for the caller. */
export function toReplyEntity(deps: FamilyDeps, callerMchid: string, bill: TransferBillRecord) {
  const userName =
    bill.userName === undefined ? undefined : deps.encryptForMerchant(callerMchid, bill.userName);
  return toEntity(bill, deps.formatTime, userName);
}

/**
 * P1's answer. `package_info` is always present because the partner create page lists it as required, although
 * the client can use it only once the bill reaches WAIT_USER_CONFIRM.
 */
export function toCreateResponse(bill: TransferBillRecord, formatTime: FormatTime): Record<string, unknown> {
  return {
    sub_mchid: bill.subMchid,
    out_bill_no: bill.outBillNo,
    transfer_bill_no: bill.transferBillNo,
    create_time: formatTime(bill.createTime),
    state: bill.state,
    package_info: bill.packageInfo,
  };
}

/** The decrypted `resource` of MCHTRANSFER.BILL.FINISHED (partner names `mchid` + `sub_mchid`: assumed). */
export function toNotificationResource(
  bill: TransferBillRecord,
  formatTime: FormatTime,
): Record<string, unknown> {
  return defined({
    out_bill_no: bill.outBillNo,
    transfer_bill_no: bill.transferBillNo,
    state: bill.state,
    mchid: bill.mchid,
    sub_mchid: bill.subMchid,
    transfer_amount: bill.transferAmount,
    openid: bill.openid,
    fail_reason: bill.failReason,
    create_time: formatTime(bill.createTime),
    update_time: formatTime(bill.updateTime),
  });
}
