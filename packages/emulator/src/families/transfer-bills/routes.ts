import { randomBase64 } from '@wxpay-kit/sdk/protocol';
import { ApiError } from '../../wire/api-error.js';
import type { AuthorizationView, FamilyDeps, OperationCall, OperationHandler } from '../family.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { checkNotifyUrl } from '../shared/notify-url.js';
import { enabledTransferScenes } from '../shared/transfer-scene.js';
import { advance, applyEffects } from './advance.js';
import {
  toCreateResponse,
  toMerchantCancelResponse,
  toMerchantCreateResponse,
  toReplyEntity,
} from './entity.js';
import { createRow, isTerminal } from './machine.js';
import { beijingDay, beijingMonth, checkQuotas, checkTransferRequest } from './rules.js';
import {
  findBill,
  findBillByTransferBillNo,
  getBalance,
  getPayerRules,
  insertBill,
  spentBetween,
  type TransferBillFace,
  type TransferBillRecord,
} from './store.js';

/**
 * Every create of either face after validation against the catalogue (`user_name` already decrypted by the
 * framework): T1/P1 (user-confirm), A4 (user-confirm, offering an authorization), A5 (under an authorization).
 */
interface CreateBody {
  sub_mchid?: string;
  appid: string;
  out_bill_no: string;
  transfer_scene_id: string;
  openid?: string;
  user_name?: string;
  transfer_amount: number;
  transfer_remark: string;
  notify_url?: string;
  user_recv_perception?: string;
  transfer_scene_report_infos?: { info_type: string; info_content: string }[];
  user_recv_style?: { type: string };
  authorization_id?: string;
  out_authorization_no?: string;
  authorization_info?: {
    user_display_name: string;
    out_authorization_no: string;
    authorization_notify_url: string;
  };
  sponsor_mchid?: string;
}

/** How a bill reaches its user: a confirm page, a confirm page that also offers an authorization, or none. */
type CreateKind = 'confirm' | 'offer' | 'authorized';

/** The partner cancel page's wording (seed 004); the merchant query pages say 记录不存在. */
export const NOT_FOUND_MESSAGE = '转账单不存在';
const MERCHANT_NOT_FOUND_MESSAGE = '记录不存在：查询的转账单不存在';

/** The query pages answer for the last 30 days only [DOC 4012716437]. */
export const QUERY_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** The same out_bill_no again: the same request answers as the first did while the bill is still open. */
function checkRepeatedCreate(bill: TransferBillRecord, canonical: string, kind: CreateKind): void {
  if (bill.requestCanonical !== canonical) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `单号已存在但信息不一致，请查单后比较确认 (out_bill_no ${bill.outBillNo} was already used with different parameters)`,
    );
  }
  if (!isTerminal(bill.state)) return;
  if (kind === 'authorized' && bill.state !== 'SUCCESS') {
    throw new ApiError(400, 'ORDER_CLOSED', `订单已关闭 (transfer bill ${bill.outBillNo} is ${bill.state})`);
  }
  throw new ApiError(
    400,
    'ALREADY_EXISTS',
    `订单已存在，单据状态已经到终态，无法发起转账，请通过查单接口确认转账结果 (transfer bill ${bill.outBillNo} is ${bill.state})`,
  );
}

/** The documented quotas and scene rules of the paying merchant, at the time of the request. */
function checkPayerRules(
  deps: FamilyDeps,
  payerMchid: string,
  openid: string | undefined,
  body: CreateBody,
  now: number,
) {
  const rules = getPayerRules(deps.db, payerMchid);
  const transfer = {
    transferAmount: body.transfer_amount,
    transferSceneId: body.transfer_scene_id,
    userName: body.user_name,
    recvStyle: body.user_recv_style?.type,
  };
  checkTransferRequest(transfer, enabledTransferScenes(deps.db, payerMchid), payerMchid);
  const [dayFrom, dayTo] = beijingDay(now);
  const [monthFrom, monthTo] = beijingMonth(now);
  checkQuotas(transfer, rules, {
    // An A4 bill without openid has no user yet: the per-user quota cannot apply at create (UNCONFIRMED).
    userToday: openid === undefined ? 0 : spentBetween(deps.db, payerMchid, dayFrom, dayTo, openid),
    today: spentBetween(deps.db, payerMchid, dayFrom, dayTo),
    thisMonth: spentBetween(deps.db, payerMchid, monthFrom, monthTo),
  });
}

/** A5: the authorization must be in effect, for the same AppID and scene; its user receives the transfer. */
function authorizationInForce(deps: FamilyDeps, mchid: string, body: CreateBody): AuthorizationView {
  const by = {
    ...(body.authorization_id === undefined ? {} : { authorizationId: body.authorization_id }),
    ...(body.out_authorization_no === undefined ? {} : { outAuthorizationNo: body.out_authorization_no }),
  };
  const named = body.authorization_id ?? body.out_authorization_no;
  const authorization = deps.authorizations.find(mchid, by);
  if (!authorization) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `免确认收款授权不存在 (no authorization ${named} of merchant ${mchid})`,
    );
  }
  const no = authorization.outAuthorizationNo;
  if (authorization.state === 'CLOSED' && authorization.closeReason === 'USER_ACCOUNT_ABNORMAL') {
    throw new ApiError(
      403,
      'USER_ERROR',
      `当前用户状态异常 (authorization ${no} was closed: USER_ACCOUNT_ABNORMAL)`,
    );
  }
  if (authorization.state !== 'TAKING_EFFECT') {
    const why = authorization.closeReason === undefined ? '' : `, ${authorization.closeReason}`;
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `免确认收款授权未生效或已关闭，无法转账 (authorization ${no} is ${authorization.state}${why})`,
    );
  }
  if (authorization.appid !== body.appid) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `appid与免确认收款授权不一致 (authorization ${no} was given under appid ${authorization.appid}, not ${body.appid})`,
    );
  }
  if (authorization.transferSceneId !== body.transfer_scene_id) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `转账场景与免确认收款授权不一致 (authorization ${no} covers transfer_scene_id ${authorization.transferSceneId})`,
    );
  }
  return authorization;
}

function checkNotifyUrls(deps: FamilyDeps, body: CreateBody): void {
  if (body.notify_url !== undefined) checkNotifyUrl(body.notify_url, '/notify_url', deps.settings);
  const offered = body.authorization_info;
  if (offered) {
    checkNotifyUrl(
      offered.authorization_notify_url,
      '/authorization_info/authorization_notify_url',
      deps.settings,
    );
  }
}

/**
 * A4: the authorization offered must be new. Without openid (allowed with `authorization_info`, the catalogue's
 * rule requires one of the two) the bill names its user when one confirms it.
 */
function checkOffer(deps: FamilyDeps, mchid: string, body: CreateBody): void {
  const offered = body.authorization_info;
  if (!offered) return;
  const taken = deps.authorizations.find(mchid, { outAuthorizationNo: offered.out_authorization_no });
  if (taken) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `商户侧授权单号已存在 (authorization ${offered.out_authorization_no} already exists: ${taken.state})`,
    );
  }
}

function createResponse(deps: FamilyDeps, bill: TransferBillRecord, kind: CreateKind): unknown {
  if (kind === 'authorized') return toReplyEntity(deps, bill.mchid, bill);
  return bill.face === 'merchant'
    ? toMerchantCreateResponse(bill, deps.formatTime)
    : toCreateResponse(bill, deps.formatTime);
}

function createBill(face: TransferBillFace, kind: CreateKind): OperationHandler {
  return (deps, call) => {
    const body = call.body as CreateBody;
    const mchid = call.caller.mchid;
    checkNotifyUrls(deps, body);
    const canonical = canonicalJson(body);
    const previous = findBill(deps.db, mchid, body.out_bill_no);
    if (previous) {
      checkRepeatedCreate(previous, canonical, kind);
      return { status: 200, body: createResponse(deps, previous, kind) };
    }
    const now = deps.clock.now();
    const payerMchid = face === 'partner' ? (body.sub_mchid ?? '') : mchid;
    const authorization = kind === 'authorized' ? authorizationInForce(deps, mchid, body) : undefined;
    if (kind === 'offer') checkOffer(deps, mchid, body);
    const openid = authorization?.openid ?? body.openid;
    checkPayerRules(deps, payerMchid, openid, body, now);
    // A transfer under an authorization pays at once: a short balance is refused instead of waiting [DOC 4014399371].
    if (kind === 'authorized' && getBalance(deps.db, payerMchid).available < body.transfer_amount) {
      throw new ApiError(
        403,
        'NOT_ENOUGH',
        `资金不足 (merchant ${payerMchid} cannot pay ${body.transfer_amount} fen)`,
      );
    }
    const offered = body.authorization_info;
    const bill = insertBill(deps.db, {
      face,
      mchid,
      subMchid: body.sub_mchid,
      payerMchid,
      outBillNo: body.out_bill_no,
      transferBillNo: deps.newId('1330', 40),
      appid: body.appid,
      openid,
      transferSceneId: body.transfer_scene_id,
      transferAmount: body.transfer_amount,
      transferRemark: body.transfer_remark,
      userName: body.user_name,
      notifyUrl: body.notify_url,
      packageInfo: randomBase64(48),
      state: createRow.to,
      fundsLocked: false,
      authorized: kind === 'authorized',
      authorizationId: authorization?.authorizationId,
      outAuthorizationNo: authorization?.outAuthorizationNo,
      authorizationOffer: offered && {
        outAuthorizationNo: offered.out_authorization_no,
        userDisplayName: offered.user_display_name,
        notifyUrl: offered.authorization_notify_url,
      },
      offersAuthorization: offered !== undefined,
      createTime: now,
      updateTime: now,
      requestCanonical: canonical,
    });
    applyEffects(deps, bill, createRow, now);
    return { status: 200, body: createResponse(deps, bill, kind) };
  };
}

/**
 * A bill the caller created under this face, within the query window. The partner face also names the
 * sub-merchant: another sub-merchant's bill does not exist for it.
 */
function billOf(
  face: TransferBillFace,
  found: TransferBillRecord | undefined,
  subMchid?: string,
): TransferBillRecord {
  const missing = () =>
    new ApiError(404, 'NOT_FOUND', face === 'merchant' ? MERCHANT_NOT_FOUND_MESSAGE : NOT_FOUND_MESSAGE);
  // The partner query marks sub_mchid 选填: out_bill_no is unique within the service provider, so the number
  // alone finds the bill; when given, it must be that sub-merchant's.
  const otherSub = face === 'partner' && subMchid !== undefined && found?.subMchid !== subMchid;
  if (!found || found.face !== face || otherSub) throw missing();
  return found;
}

/** The merchant queries answer for bills of the last 30 days only [DOC 4012716437, 4012716457]. */
function withinQueryWindow(deps: FamilyDeps, bill: TransferBillRecord) {
  if (deps.clock.now() - bill.createTime > QUERY_WINDOW_MS) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `${MERCHANT_NOT_FOUND_MESSAGE} (API只支持查询最近30天内的转账单: ${bill.outBillNo} was created more than 30 days ago)`,
    );
  }
  return bill;
}

const byOutBillNo = (deps: FamilyDeps, call: OperationCall) =>
  findBill(deps.db, call.caller.mchid, call.params['out_bill_no'] ?? '');

const partnerGet: OperationHandler = (deps, call) => {
  const bill = billOf('partner', byOutBillNo(deps, call), call.query['sub_mchid']);
  // The 30-day window is on the merchant query pages; the partner page was not captured with it (UNCONFIRMED).
  return { status: 200, body: toReplyEntity(deps, call.caller.mchid, bill) };
};

const merchantGet: OperationHandler = (deps, call) => {
  const bill = billOf('merchant', byOutBillNo(deps, call));
  return {
    status: 200,
    body: toReplyEntity(deps, call.caller.mchid, withinQueryWindow(deps, bill)),
  };
};

const getByTransferBillNo: OperationHandler = (deps, call) => {
  const found = findBillByTransferBillNo(deps.db, call.caller.mchid, call.params['transfer_bill_no'] ?? '');
  const bill = billOf('merchant', found);
  return {
    status: 200,
    body: toReplyEntity(deps, call.caller.mchid, withinQueryWindow(deps, bill)),
  };
};

const partnerCancel: OperationHandler = (deps, call) => {
  const subMchid = (call.body as { sub_mchid: string }).sub_mchid;
  const bill = billOf('partner', byOutBillNo(deps, call), subMchid);
  const next = advance(deps, bill, { type: 'cancel' }, deps.clock.now());
  return { status: 200, body: toReplyEntity(deps, call.caller.mchid, next) };
};

const merchantCancel: OperationHandler = (deps, call) => {
  const bill = billOf('merchant', byOutBillNo(deps, call));
  const next = advance(deps, bill, { type: 'cancel' }, deps.clock.now());
  return { status: 200, body: toMerchantCancelResponse(next, deps.formatTime) };
};

export const operations: Record<string, OperationHandler> = {
  'transferBills.partnerCreate': createBill('partner', 'confirm'),
  'transferBills.partnerGet': partnerGet,
  'transferBills.partnerCancel': partnerCancel,
  'transferBills.create': createBill('merchant', 'confirm'),
  'transferBills.get': merchantGet,
  'transferBills.cancel': merchantCancel,
  'transferBills.getByTransferBillNo': getByTransferBillNo,
  'transferBills.transfer': createBill('merchant', 'authorized'),
  'transferBills.preTransferWithAuthorization': createBill('merchant', 'offer'),
  'transferBills.partnerTransfer': createBill('partner', 'authorized'),
  'transferBills.partnerPreTransferWithAuthorization': createBill('partner', 'offer'),
};
