import { TRANSFER_FAIL_REASONS } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { ControlAction, FamilyDeps, OperationResult } from '../family.js';
import { bodyParamError } from '../shared/param-error.js';
import { advance } from './advance.js';
import { toEntity } from './entity.js';
import type { TransferBillEvent } from './machine.js';
import { NOT_FOUND_MESSAGE } from './routes.js';
import {
  billsWaitingForFunds,
  findBill,
  getBalance,
  setAvailableBalance,
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

function billAction(
  verb: string,
  summary: string,
  actor: ControlAction['actor'],
  event: (request: Request) => TransferBillEvent,
): ControlAction {
  return {
    method: 'POST',
    path: `/:mchid/:out_bill_no/${verb}`,
    summary,
    actor,
    handler(deps, request) {
      const bill = advance(deps, target(deps, request), event(request), deps.clock.now());
      return { status: 200, body: toEntity(bill, deps.formatTime) };
    },
  };
}

function subMerchantOf(deps: FamilyDeps, request: Request): string {
  const subMchid = request.params['sub_mchid'] ?? '';
  if (deps.merchants.get(subMchid)?.kind !== 'subMerchant') {
    throw new ApiError(404, 'NOT_FOUND', `sub-merchant ${subMchid} does not exist`);
  }
  return subMchid;
}

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
  summary: 'Set the available balance (fen) of a paying sub-merchant: body {"amount": 100000000}',
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

/** The user's and WeChat Pay's side of a bill, mounted under /_emulator/transfer-bills. */
export const control: ControlAction[] = [
  billAction(
    'confirm',
    'The user confirms receipt (WAIT_USER_CONFIRM, or CANCELING after a cancel race → TRANSFERING)',
    'user',
    () => ({ type: 'userConfirm' }),
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
    summary: 'The available and locked balance (fen) of a paying sub-merchant',
    actor: 'system',
    handler: (deps, request) => balanceBody(deps, subMerchantOf(deps, request)),
  },
];
