import { randomBytes } from 'node:crypto';
import { ApiError } from '../../wire/api-error.js';
import type { FamilyDeps, OperationCall, OperationHandler } from '../family.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { checkNotifyUrl } from '../shared/notify-url.js';
import { bodyParamError } from '../shared/param-error.js';
import { checkTransferSceneEnabled } from '../shared/transfer-scene.js';
import { advance, applyEffects } from './advance.js';
import { toCreateResponse, toReplyEntity } from './entity.js';
import { createRow, isTerminal } from './machine.js';
import { findBill, insertBill, type TransferBillRecord } from './store.js';

/** P1 body after validation against the catalogue; `user_name` is already decrypted by the framework. */
interface CreateBody {
  sub_mchid: string;
  appid: string;
  out_bill_no: string;
  transfer_scene_id: string;
  openid: string;
  user_name?: string;
  transfer_amount: number;
  transfer_remark: string;
  notify_url?: string;
  user_recv_perception?: string;
  transfer_scene_report_infos: { info_type: string; info_content: string }[];
  user_recv_style?: { type: string };
}

export const NOT_FOUND_MESSAGE = '转账单不存在';

/**
 * What the catalogue cannot say: the notify-URL rule (it depends on the emulator's settings), whether the merchant
 * has the scene, and that an amount is at least 1 fen (no page states a minimum, so the catalogue does not; a
 * transfer of nothing is refused here). The wire layer has already applied the schema, the catalogue's
 * cross-field rules (user_name from 2,000 CNY among them) and the sub_mchid binding.
 */
function checkCreateBody(deps: FamilyDeps, body: CreateBody, mchid: string): void {
  if (body.notify_url !== undefined) checkNotifyUrl(body.notify_url, '/notify_url', deps.settings);
  if (body.transfer_amount < 1) {
    throw bodyParamError('/transfer_amount', body.transfer_amount, 'must be at least 1 fen');
  }
  checkTransferSceneEnabled(body.transfer_scene_id, mchid);
}

/** The same out_bill_no again: the same request answers as the first did while the bill is still open. */
function checkRepeatedCreate(bill: TransferBillRecord, canonical: string): void {
  if (bill.requestCanonical !== canonical) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `out_bill_no ${bill.outBillNo} was already used with different parameters; query the bill or use a new out_bill_no`,
    );
  }
  if (isTerminal(bill.state)) {
    throw new ApiError(
      400,
      'ALREADY_EXISTS',
      `transfer bill ${bill.outBillNo} already exists and is final (${bill.state}); query it instead`,
    );
  }
}

const create: OperationHandler = (deps, call) => {
  const body = call.body as CreateBody;
  checkCreateBody(deps, body, call.caller.mchid);
  const canonical = canonicalJson(body);
  const previous = findBill(deps.db, call.caller.mchid, body.out_bill_no);
  if (previous) {
    checkRepeatedCreate(previous, canonical);
    return { status: 200, body: toCreateResponse(previous, deps.formatTime) };
  }
  const now = deps.clock.now();
  const bill = insertBill(deps.db, {
    mchid: call.caller.mchid,
    subMchid: body.sub_mchid,
    outBillNo: body.out_bill_no,
    transferBillNo: deps.newId('1330', 40),
    appid: body.appid,
    openid: body.openid,
    transferSceneId: body.transfer_scene_id,
    transferAmount: body.transfer_amount,
    transferRemark: body.transfer_remark,
    userName: body.user_name,
    notifyUrl: body.notify_url,
    packageInfo: randomBytes(48).toString('base64'),
    state: createRow.to,
    fundsLocked: false,
    createTime: now,
    updateTime: now,
    requestCanonical: canonical,
  });
  applyEffects(deps, bill, createRow, now);
  return { status: 200, body: toCreateResponse(bill, deps.formatTime) };
};

/**
 * A bill of the caller; when `subMchid` is given it must be that sub-merchant's (another sub-merchant's bill does
 * not exist for it). The query page marks sub_mchid 选填 and out_bill_no is unique within the service provider,
 * so without it the number alone finds the bill.
 */
function billOf(deps: FamilyDeps, call: OperationCall, subMchid: string | undefined): TransferBillRecord {
  const bill = findBill(deps.db, call.caller.mchid, call.params['out_bill_no'] ?? '');
  if (!bill || (subMchid !== undefined && bill.subMchid !== subMchid)) {
    throw new ApiError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
  }
  return bill;
}

const get: OperationHandler = (deps, call) => {
  const bill = billOf(deps, call, call.query['sub_mchid']);
  return { status: 200, body: toReplyEntity(deps, call.caller.mchid, bill) };
};

const cancel: OperationHandler = (deps, call) => {
  const bill = billOf(deps, call, (call.body as { sub_mchid: string }).sub_mchid);
  const next = advance(deps, bill, { type: 'cancel' }, deps.clock.now());
  return { status: 200, body: toReplyEntity(deps, call.caller.mchid, next) };
};

export const operations: Record<string, OperationHandler> = {
  'transferBills.create': create,
  'transferBills.get': get,
  'transferBills.cancel': cancel,
};
