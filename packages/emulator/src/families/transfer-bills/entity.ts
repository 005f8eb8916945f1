import type { FamilyDeps } from '../family.js';
import { defined } from '../shared/defined.js';
import type { TransferBillRecord } from './store.js';

type FormatTime = FamilyDeps['formatTime'];

/** What both faces' entities show after the merchant numbers, in the official field order. */
function billFields(bill: TransferBillRecord, formatTime: FormatTime, encryptedUserName?: string) {
  return {
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
  };
}

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
    ...billFields(bill, formatTime, encryptedUserName),
  });
}

/** The ordinary-merchant bill of T2/T3 and A5 (`mch_id` with an underscore). */
export function toMerchantEntity(
  bill: TransferBillRecord,
  formatTime: FormatTime,
  encryptedUserName?: string,
): Record<string, unknown> {
  return defined({ mch_id: bill.mchid, ...billFields(bill, formatTime, encryptedUserName) });
}

/** The bill in the shape of the face that created it; control-API views pass no name and never show it. */
export function toFaceEntity(bill: TransferBillRecord, formatTime: FormatTime, encryptedUserName?: string) {
  return bill.face === 'merchant'
    ? toMerchantEntity(bill, formatTime, encryptedUserName)
    : toEntity(bill, formatTime, encryptedUserName);
}

/** The entity as an API reply to its creator: `user_name`, when given at create, encrypted for the caller. */
export function toReplyEntity(deps: FamilyDeps, callerMchid: string, bill: TransferBillRecord) {
  const userName =
    bill.userName === undefined ? undefined : deps.encryptForMerchant(callerMchid, bill.userName);
  return toFaceEntity(bill, deps.formatTime, userName);
}

/**
 * The ordinary merchant's create answer (T1, A4): `package_info` only while the bill waits for the user, as the
 * page says; A4 echoes the authorization it offers.
 */
export function toMerchantCreateResponse(
  bill: TransferBillRecord,
  formatTime: FormatTime,
): Record<string, unknown> {
  return defined({
    out_bill_no: bill.outBillNo,
    transfer_bill_no: bill.transferBillNo,
    create_time: formatTime(bill.createTime),
    state: bill.state,
    package_info: bill.state === 'WAIT_USER_CONFIRM' ? bill.packageInfo : undefined,
    user_display_name: bill.authorizationOffer?.userDisplayName,
    out_authorization_no: bill.authorizationOffer?.outAuthorizationNo,
  });
}

/** T4's answer: the four fields the merchant cancel page lists. */
export function toMerchantCancelResponse(
  bill: TransferBillRecord,
  formatTime: FormatTime,
): Record<string, unknown> {
  return {
    out_bill_no: bill.outBillNo,
    transfer_bill_no: bill.transferBillNo,
    state: bill.state,
    update_time: formatTime(bill.updateTime),
  };
}

/**
 * P1's (and the partner A4's) answer. `package_info` is always present because the partner create page lists it as required, although
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

/**
 * The decrypted `resource` of MCHTRANSFER.BILL.FINISHED: `mch_id` for the ordinary merchant [DOC 4012712115];
 * the partner names `mchid` + `sub_mchid` are assumed. `payment_method_type` 转账成功后返回 on the merchant page:
 * the emulator's users receive into 零钱 (CFT), never a Hong Kong wallet (WPHK); the partner page was not available.
 */
export function toNotificationResource(
  bill: TransferBillRecord,
  formatTime: FormatTime,
): Record<string, unknown> {
  const merchant = bill.face === 'merchant';
  return defined({
    out_bill_no: bill.outBillNo,
    transfer_bill_no: bill.transferBillNo,
    state: bill.state,
    mch_id: merchant ? bill.mchid : undefined,
    mchid: merchant ? undefined : bill.mchid,
    sub_mchid: bill.subMchid,
    transfer_amount: bill.transferAmount,
    openid: bill.openid,
    fail_reason: bill.failReason,
    create_time: formatTime(bill.createTime),
    update_time: formatTime(bill.updateTime),
    payment_method_type: merchant && bill.state === 'SUCCESS' ? 'CFT' : undefined,
  });
}
