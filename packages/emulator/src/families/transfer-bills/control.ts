import { TRANSFER_FAIL_REASONS } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { ControlAction, FamilyDeps, OperationResult } from '../family.js';
import { bodyParamError } from '../shared/param-error.js';
import {
  enabledTransferScenes,
  KNOWN_TRANSFER_SCENES,
  setEnabledTransferScenes,
} from '../shared/transfer-scene.js';
import { advance } from './advance.js';
import { toFaceEntity } from './entity.js';
import type { TransferBillEvent, UserConfirmEvent } from './machine.js';
import { NOT_FOUND_MESSAGE } from './routes.js';
import { beijingDay, exceedsUserDailyQuota, type QuotaName, quotasOf } from './rules.js';
import {
  billsWaitingForFunds,
  findBill,
  getBalance,
  getPayerRules,
  type PayerRules,
  savePayerRules,
  setAvailableBalance,
  spentBetween,
  type TransferBillRecord,
} from './store.js';

type Request = Parameters<ControlAction['handler']>[1];

function bodyField(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function target(deps: FamilyDeps, request: Request): TransferBillRecord {
  const mchid = request.params['mchid'] ?? '';
  const outBillNo = request.params['out_bill_no'] ?? '';
  const bill = findBill(deps.db, mchid, outBillNo);
  if (!bill) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `${NOT_FOUND_MESSAGE}: service provider ${mchid} has no bill ${outBillNo}`,
    );
  }
  return bill;
}

function failReason(body: unknown): string {
  const value = bodyField(body, 'fail_reason');
  if (typeof value !== 'string' || !(TRANSFER_FAIL_REASONS as readonly string[]).includes(value)) {
    throw bodyParamError(
      '/fail_reason',
      value,
      `must be one of the documented fail reasons: ${TRANSFER_FAIL_REASONS.join(', ')}`,
    );
  }
  return value;
}

/**
 * The user who opens the confirm page (body `openid`, optional): required when the bill names no user (A4 created
 * with authorization_info and no openid), and only the bill's own user can confirm a bill that names one.
 */
function confirmingUser(bill: TransferBillRecord, body: unknown): string | undefined {
  const openid = bodyField(body, 'openid');
  if (openid !== undefined && (typeof openid !== 'string' || openid === '')) {
    throw bodyParamError('/openid', openid, 'must be the openid of the user who confirms');
  }
  if (openid === undefined && bill.openid === undefined) {
    throw bodyParamError(
      '/openid',
      openid,
      `转账单 ${bill.outBillNo} 未指定收款用户 (created with authorization_info and no openid): name the user who confirms, body {"openid": "…"}`,
    );
  }
  if (openid !== undefined && bill.openid !== undefined && openid !== bill.openid) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `确认收款用户与转账单收款用户不一致 (bill ${bill.outBillNo} is for openid ${bill.openid}, not ${openid})`,
    );
  }
  return openid;
}

/**
 * What the user's confirmation carries. A bill that named no user (A4 without openid) meets the payer's per-user
 * daily quota now, the first moment its user is known, counted on the bill's own day as every bill is
 * (docs/fidelity.md): past it, the bill fails with DAY_RECEIVED_QUOTA_EXCEED.
 */
function confirmation(
  deps: FamilyDeps,
  bill: TransferBillRecord,
  body: unknown,
): Omit<UserConfirmEvent, 'type'> {
  const openid = confirmingUser(bill, body);
  if (bill.openid !== undefined || openid === undefined) return { openid };
  const [dayFrom, dayTo] = beijingDay(bill.createTime);
  const userToday = spentBetween(deps.db, bill.payerMchid, dayFrom, dayTo, openid);
  const rules = getPayerRules(deps.db, bill.payerMchid);
  return { openid, overUserQuota: exceedsUserDailyQuota(bill.transferAmount, rules, userToday) };
}

function billAction(
  verb: string,
  summary: string,
  actor: ControlAction['actor'],
  event: (request: Request, bill: TransferBillRecord, deps: FamilyDeps) => TransferBillEvent,
): ControlAction {
  return {
    method: 'POST',
    path: `/:mchid/:out_bill_no/${verb}`,
    summary,
    actor,
    handler(deps, request) {
      const bill = target(deps, request);
      const next = advance(deps, bill, event(request, bill, deps), deps.clock.now());
      return { status: 200, body: toFaceEntity(next, deps.formatTime) };
    },
  };
}

/** A merchant whose balance pays transfers: a service provider's sub-merchant, or an ordinary merchant. */
function payerOf(deps: FamilyDeps, mchid: string): string {
  const kind = deps.merchants.get(mchid)?.kind;
  if (kind !== 'subMerchant' && kind !== 'merchant') {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `${mchid} pays no transfers: name a sub-merchant of a service provider, or an ordinary merchant`,
    );
  }
  return mchid;
}

/**
 * A merchant with transfer scenes: a payer, or a service provider (its own authorizations, partnerApply, cover
 * the scenes it has). Only payers have quotas.
 */
function rulesOwnerOf(deps: FamilyDeps, mchid: string): { mchid: string; pays: boolean } {
  if (deps.merchants.get(mchid)?.kind === 'serviceProvider') return { mchid, pays: false };
  return { mchid: payerOf(deps, mchid), pays: true };
}

const subMerchantOf = (deps: FamilyDeps, request: Request) =>
  payerOf(deps, request.params['sub_mchid'] ?? '');

function balanceBody(
  deps: FamilyDeps,
  subMchid: string,
  extra: Record<string, unknown> = {},
): OperationResult {
  const { available, locked } = getBalance(deps.db, subMchid);
  return { status: 200, body: { sub_mchid: subMchid, available, locked, ...extra } };
}

/**
 * Sets what a sub-merchant has available, then retries the bills that were waiting in PROCESSING for funds,
 * oldest first, as WeChat Pay does once the balance suffices.
 */
const setBalance: ControlAction = {
  method: 'POST',
  path: '/balances/:sub_mchid',
  summary:
    'Set the available balance (fen) of a paying merchant (sub-merchant or ordinary merchant): body {"amount": 100000000}',
  actor: 'system',
  handler(deps, request) {
    const subMchid = subMerchantOf(deps, request);
    const amount = bodyField(request.body, 'amount');
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
      throw bodyParamError('/amount', amount, 'must be a whole number of fen, 0 or more');
    }
    setAvailableBalance(deps.db, subMchid, amount);
    const funded: string[] = [];
    for (const bill of billsWaitingForFunds(deps.db, subMchid)) {
      const available = getBalance(deps.db, subMchid).available;
      const next = advance(deps, bill, { type: 'lockFunds', available }, deps.clock.now());
      if (next.state === 'WAIT_USER_CONFIRM') funded.push(next.outBillNo);
    }
    return balanceBody(deps, subMchid, { funded_bills: funded });
  },
};

const QUOTA_FIELDS = {
  per_transfer: 'perTransfer',
  per_user_per_day: 'perUserPerDay',
  per_day: 'perDay',
  per_month: 'perMonth',
} as const satisfies Record<string, QuotaName>;

function rulesBody(deps: FamilyDeps, owner: { mchid: string; pays: boolean }): OperationResult {
  const quotas = quotasOf(getPayerRules(deps.db, owner.mchid));
  return {
    status: 200,
    body: {
      mchid: owner.mchid,
      ...(owner.pays
        ? Object.fromEntries(Object.entries(QUOTA_FIELDS).map(([field, name]) => [field, quotas[name]]))
        : {}),
      transfer_scene_ids: enabledTransferScenes(deps.db, owner.mchid),
    },
  };
}

/**
 * A merchant's quotas (fen) and enabled scenes, as it set them (or had them raised) in the merchant platform.
 * Fields left out keep their value; `null` restores the documented default. A service provider has scenes only.
 */
const setRules: ControlAction = {
  method: 'POST',
  path: '/rules/:mchid',
  summary:
    'Set a paying merchant\'s quotas in fen and enabled scenes (a service provider: scenes only): body {"per_transfer", "per_user_per_day", "per_day", "per_month", "transfer_scene_ids": [...]} (null restores a default)',
  actor: 'system',
  handler(deps, request) {
    const owner = rulesOwnerOf(deps, request.params['mchid'] ?? '');
    const rules: PayerRules = { ...getPayerRules(deps.db, owner.mchid) };
    for (const [field, name] of Object.entries(QUOTA_FIELDS)) {
      const value = bodyField(request.body, field);
      if (value === undefined) continue;
      if (!owner.pays) {
        throw bodyParamError(
          `/${field}`,
          value,
          "a service provider pays no transfers: set its sub-merchants' quotas",
        );
      }
      if (value !== null && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
        throw bodyParamError(`/${field}`, value, 'must be a whole number of fen, 1 or more, or null');
      }
      rules[name] = value ?? undefined;
    }
    const scenes = bodyField(request.body, 'transfer_scene_ids');
    if (scenes !== undefined) {
      const known = KNOWN_TRANSFER_SCENES;
      if (
        scenes !== null &&
        (!Array.isArray(scenes) || scenes.some((id) => typeof id !== 'string' || !known.includes(id)))
      ) {
        throw bodyParamError(
          '/transfer_scene_ids',
          scenes,
          `must list scenes among ${known.join(', ')}, or be null`,
        );
      }
      setEnabledTransferScenes(deps.db, owner.mchid, (scenes as string[] | null) ?? undefined);
    }
    if (owner.pays) savePayerRules(deps.db, owner.mchid, rules);
    return rulesBody(deps, owner);
  },
};

/** The user's and WeChat Pay's side of a bill, mounted under /_emulator/transfer-bills. */
export const control: ControlAction[] = [
  billAction(
    'confirm',
    'The user confirms receipt (WAIT_USER_CONFIRM, or CANCELING after a cancel race → TRANSFERING); an A4 bill\'s authorization is declined. Body {"openid"}: the confirming user, required when the bill names none (then checked against the per-user daily quota: past it → FAIL DAY_RECEIVED_QUOTA_EXCEED)',
    'user',
    (request, bill, deps) => ({ type: 'userConfirm', ...confirmation(deps, bill, request.body) }),
  ),
  billAction(
    'confirm-and-authorize',
    'A4: the user confirms receipt and agrees to the authorization offered (→ TRANSFERING; the authorization takes effect, notifies CONFIRMED; refused 400 INVALID_REQUEST when the user already has 5 open authorizations in the scene). Body {"openid"}: the confirming user, required when the bill names none (then checked against the per-user daily quota: past it → FAIL DAY_RECEIVED_QUOTA_EXCEED)',
    'user',
    (request, bill, deps) => ({
      type: 'userConfirmAndAuthorize',
      ...confirmation(deps, bill, request.body),
    }),
  ),
  billAction(
    'succeed',
    'The payout completes now (TRANSFERING → SUCCESS, notifies FINISHED)',
    'system',
    () => ({
      type: 'payout',
    }),
  ),
  billAction(
    'fail',
    'WeChat Pay fails the bill (ACCEPTED, PROCESSING or TRANSFERING → FAIL): body {"fail_reason": "…"}',
    'system',
    (request) => ({ type: 'fail', reason: failReason(request.body) }),
  ),
  setBalance,
  {
    method: 'GET',
    path: '/balances/:sub_mchid',
    summary:
      'The available and locked balance (fen) of a paying merchant (sub-merchant or ordinary merchant)',
    actor: 'system',
    handler: (deps, request) => balanceBody(deps, subMerchantOf(deps, request)),
  },
  setRules,
  {
    method: 'GET',
    path: '/rules/:mchid',
    summary: "A paying merchant's quotas (fen) and enabled transfer scenes (a service provider: scenes only)",
    actor: 'system',
    handler: (deps, request) => rulesBody(deps, rulesOwnerOf(deps, request.params['mchid'] ?? '')),
  },
];
