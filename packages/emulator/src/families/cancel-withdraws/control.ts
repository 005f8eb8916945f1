import { OUT_ACCOUNT_TYPES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { ControlAction, FamilyDeps } from '../family.js';
import { type ControlBody, controlBody, onlyFields } from '../shared/control-body.js';
import { bodyParamError } from '../shared/param-error.js';
import { advance } from './advance.js';
import { DEFAULT_WITHDRAW_FAIL_REASON } from './machine.js';
import { type AccountBalance, type CancelWithdraw, inspectView } from './record.js';
import { findByApplymentId, getBalances, setBalances } from './store.js';

/**
 * What no API call does: WeChat Pay's reviewers approving or rejecting (system), the sub-merchant's staff
 * scanning the confirmation QR code (user), the bank paying out or failing (system), and the balances a
 * sub-merchant holds. Every state change goes through machine.ts.
 */

function bodyObject(body: unknown, allowed: readonly string[]): ControlBody {
  const object = controlBody(body);
  onlyFields(object, allowed);
  return object;
}

function reason(body: ControlBody, fallback: string): string {
  const value = body['reason'];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw bodyParamError('/reason', value, 'must be a non-empty string of at most 200 characters');
  }
  return value;
}

function application(deps: FamilyDeps, params: Record<string, string>): CancelWithdraw {
  const mchid = params['mchid'] ?? '';
  const applymentId = params['applyment_id'] ?? '';
  const stored = findByApplymentId(deps.db, applymentId, mchid);
  if (!stored) {
    throw new ApiError(404, 'NOT_FOUND', `申请单不存在: platform ${mchid} has no application ${applymentId}`);
  }
  return stored.application;
}

function accountsFrom(body: ControlBody): AccountBalance[] {
  const accounts = body['accounts'];
  if (!Array.isArray(accounts)) {
    throw bodyParamError('/accounts', accounts, 'accounts must be an array of { out_account_type, amount }');
  }
  const seen = new Set<string>();
  return accounts.map((entry: unknown, i) => {
    const at = `/accounts/${i}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw bodyParamError(at, entry, 'each account must be an object { out_account_type, amount }');
    }
    const { out_account_type: type, amount, ...rest } = entry as ControlBody;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined)
      throw bodyParamError(`${at}/${extra}`, rest[extra], 'unknown field; allowed: out_account_type, amount');
    if (typeof type !== 'string' || !(OUT_ACCOUNT_TYPES as readonly string[]).includes(type)) {
      throw bodyParamError(`${at}/out_account_type`, type, `must be one of ${OUT_ACCOUNT_TYPES.join(', ')}`);
    }
    if (seen.has(type))
      throw bodyParamError(`${at}/out_account_type`, type, 'each account type may appear once');
    seen.add(type);
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
      throw bodyParamError(`${at}/amount`, amount, 'must be an integer amount in fen, 0 or more');
    }
    return { out_account_type: type as AccountBalance['out_account_type'], amount };
  });
}

function subMerchant(deps: FamilyDeps, params: Record<string, string>): string {
  const subMchid = params['sub_mchid'] ?? '';
  if (deps.merchants.get(subMchid)?.kind !== 'subMerchant') {
    throw new ApiError(404, 'NOT_FOUND', `sub_mchid ${subMchid} is not a sub-merchant known to the emulator`);
  }
  return subMchid;
}

export const control: ControlAction[] = [
  {
    method: 'GET',
    path: '/:mchid/:applyment_id',
    summary: 'The application as stored, with what the API never shows (confirmation, review, payee summary)',
    actor: 'system',
    handler: (deps, request) => ({ status: 200, body: inspectView(application(deps, request.params)) }),
  },
  {
    method: 'POST',
    path: '/:mchid/:applyment_id/approve',
    summary:
      'Review approves a REVIEWING application → SYSTEM_PROCESSING (repeat withdrawal: FUND_PROCESSING)',
    actor: 'system',
    handler(deps, request) {
      bodyObject(request.body, []);
      const current = application(deps, request.params);
      const next = advance(deps, current, {
        type: 'approve',
        balances: getBalances(deps.db, current.sub_mchid),
      });
      return { status: 200, body: inspectView(next) };
    },
  },
  {
    method: 'POST',
    path: '/:mchid/:applyment_id/reject',
    summary: 'Review rejects a REVIEWING application: body { reason? } → REJECTED',
    actor: 'system',
    handler(deps, request) {
      const body = bodyObject(request.body, ['reason']);
      const next = advance(deps, application(deps, request.params), {
        type: 'reject',
        reason: reason(body, '证明材料不符合要求'),
      });
      return { status: 200, body: inspectView(next) };
    },
  },
  {
    method: 'POST',
    path: '/:mchid/:applyment_id/staff-confirm',
    summary: 'A staff member of the sub-merchant scans confirm_cancel_url → SYSTEM_PROCESSING',
    actor: 'user',
    handler(deps, request) {
      bodyObject(request.body, []);
      const next = advance(deps, application(deps, request.params), { type: 'staffConfirm' });
      return { status: 200, body: inspectView(next) };
    },
  },
  {
    method: 'POST',
    path: '/:mchid/:applyment_id/withdraw-succeed',
    summary: 'The payouts of a FUND_PROCESSING application succeed now → FINISH, WITHDRAW_SUCCEED',
    actor: 'system',
    handler(deps, request) {
      bodyObject(request.body, []);
      const next = advance(deps, application(deps, request.params), { type: 'withdrawSucceed' });
      return { status: 200, body: inspectView(next) };
    },
  },
  {
    method: 'POST',
    path: '/:mchid/:applyment_id/withdraw-fail',
    summary:
      'The payouts of a FUND_PROCESSING application fail: body { reason? } → FINISH, WITHDRAW_EXCEPTION',
    actor: 'system',
    handler(deps, request) {
      const body = bodyObject(request.body, ['reason']);
      const next = advance(deps, application(deps, request.params), {
        type: 'withdrawFail',
        reason: reason(body, DEFAULT_WITHDRAW_FAIL_REASON),
      });
      return { status: 200, body: inspectView(next) };
    },
  },
  {
    method: 'GET',
    path: '/balances/:sub_mchid',
    summary: 'The balances of a sub-merchant (what validate and withdrawals use)',
    actor: 'system',
    handler(deps, request) {
      const subMchid = subMerchant(deps, request.params);
      return { status: 200, body: { sub_mchid: subMchid, accounts: getBalances(deps.db, subMchid) } };
    },
  },
  {
    method: 'POST',
    path: '/balances/:sub_mchid',
    summary: 'Sets the balances of a sub-merchant: body { accounts: [{ out_account_type, amount }] }',
    actor: 'system',
    handler(deps, request) {
      const subMchid = subMerchant(deps, request.params);
      const accounts = accountsFrom(bodyObject(request.body, ['accounts']));
      setBalances(deps.db, subMchid, accounts, deps.clock.now());
      return { status: 200, body: { sub_mchid: subMchid, accounts: getBalances(deps.db, subMchid) } };
    },
  },
];
