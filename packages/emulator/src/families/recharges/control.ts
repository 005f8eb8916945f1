import { randomBytes } from 'node:crypto';
import { RECHARGE_CHANNELS } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { ControlAction, FamilyDeps } from '../family.js';
import { type ControlBody, controlBody, onlyFields } from '../shared/control-body.js';
import { bodyParamError } from '../shared/param-error.js';
import { advance } from './advance.js';
import {
  EMPLOYEE_TYPES,
  ONLINE_BANK_TYPES,
  type Payment,
  type Recharge,
  type RechargeChannel,
  returnedAmount,
  toEntity,
} from './record.js';
import { findRecharge } from './store.js';

/**
 * The payer's and the bank's part of a recharge, which no API call performs: the sub-merchant paying through a
 * channel (user) and the bank returning funds (system). Both go through machine.ts like the API does.
 */

function optionalText(body: ControlBody, field: string, pattern?: RegExp, hint?: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    throw bodyParamError(`/${field}`, value, 'must be a non-empty string of at most 128 characters');
  }
  if (pattern && !pattern.test(value))
    throw bodyParamError(`/${field}`, value, hint ?? `must match ${pattern}`);
  return value;
}

function optionalEnum<const T extends readonly string[]>(
  body: ControlBody,
  field: string,
  values: T,
): T[number] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !values.includes(value)) {
    throw bodyParamError(`/${field}`, value, `must be one of ${values.join(', ')}`);
  }
  return value as T[number];
}

const CHANNEL_FIELDS: Record<RechargeChannel, readonly string[]> = {
  BANK_TRANSFER: ['bill_no', 'memo', 'bank_name', 'bank_card_tail', 'bank_account_name'],
  QR_RECHARGE: ['openid', 'employee_type'],
  ONLINE_BANK: ['bill_no', 'bank_name', 'online_bank_type', 'bank_card_tail', 'bank_account_name'],
};

const CARD_TAIL = /^[0-9]{4}$/;
const OPENID = /^[0-9A-Za-z_-]+$/;

/** The payment as the payer describes it; whatever it leaves out gets a plausible value. */
function paymentFrom(deps: FamilyDeps, recharge: Recharge, body: ControlBody): Payment {
  const channel = body['channel'];
  if (channel === undefined) {
    throw bodyParamError('/channel', channel, `channel is required: one of ${RECHARGE_CHANNELS.join(', ')}`);
  }
  if (typeof channel !== 'string' || !(RECHARGE_CHANNELS as readonly string[]).includes(channel)) {
    throw bodyParamError('/channel', channel, `must be one of ${RECHARGE_CHANNELS.join(', ')}`);
  }
  const chosen = channel as RechargeChannel;
  onlyFields(body, ['channel', ...CHANNEL_FIELDS[chosen]], `channel ${chosen}`);
  const accountName = () =>
    optionalText(body, 'bank_account_name') ??
    deps.merchants.get(recharge.sub_mchid)?.name ??
    '某某某有限公司';
  const cardTail = () =>
    optionalText(body, 'bank_card_tail', CARD_TAIL, 'must be the last four digits') ?? '0722';
  switch (chosen) {
    case 'BANK_TRANSFER':
      return {
        channel: chosen,
        bank_transfer_info: {
          bill_no: optionalText(body, 'bill_no') ?? deps.newId('', 30),
          memo: optionalText(body, 'memo') ?? `充值${recharge.out_recharge_no}`,
          bank_name: optionalText(body, 'bank_name') ?? '招商银行',
          bank_card_tail: cardTail(),
          bank_account_name: accountName(),
        },
      };
    case 'QR_RECHARGE':
      return {
        channel: chosen,
        qr_recharge_info: {
          openid:
            optionalText(body, 'openid', OPENID, 'must be an openid: letters, digits, _ and -') ??
            randomOpenid(),
          employee_type: optionalEnum(body, 'employee_type', EMPLOYEE_TYPES) ?? 'STAFF',
        },
      };
    case 'ONLINE_BANK':
      return {
        channel: chosen,
        online_bank_recharge_info: {
          bill_no: optionalText(body, 'bill_no') ?? deps.newId('', 30),
          bank_name: optionalText(body, 'bank_name') ?? '招商银行',
          online_bank_type:
            optionalEnum(body, 'online_bank_type', ONLINE_BANK_TYPES) ?? 'ONLINE_BANK_TYPE_CORPORATE',
          bank_card_tail: cardTail(),
          bank_account_name: accountName(),
        },
      };
  }
}

function randomOpenid(): string {
  // openids are 28 characters, beginning with `o`.
  return `o${randomBytes(21).toString('base64url').slice(0, 27)}`;
}

const DEFAULT_RETURN_REASONS: Record<string, string> = {
  BANK_TRANSFER: '银行转账充值金额与申请充值金额不一致',
  ONLINE_BANK: '实际付款户名与充值单要求的付款户名不一致',
};

function recharge(deps: FamilyDeps, params: Record<string, string>): Recharge {
  const mchid = params['mchid'] ?? '';
  const outRechargeNo = params['out_recharge_no'] ?? '';
  const stored = findRecharge(deps.db, mchid, outRechargeNo);
  if (!stored) {
    throw new ApiError(404, 'NOT_FOUND', `充值单不存在: platform ${mchid} has no recharge ${outRechargeNo}`);
  }
  return stored.recharge;
}

/** Control answers show the whole record, including what the API never returns (URL, notify_url, returns). */
export function inspectView(record: Recharge): Record<string, unknown> {
  return {
    ...toEntity(record),
    recharge_url: record.recharge_url,
    ...(record.notify_url === undefined ? {} : { notify_url: record.notify_url }),
    ...(record.remark === undefined ? {} : { remark: record.remark }),
    fund_returns: structuredClone(record.fund_returns),
  };
}

export const control: ControlAction[] = [
  {
    method: 'POST',
    path: '/:mchid/:out_recharge_no/pay',
    summary:
      'The sub-merchant pays the recharge: body { channel, ...that channel’s info fields } → SUCCESS, RECHARGE.SUCCESS',
    actor: 'user',
    handler(deps, request) {
      const current = recharge(deps, request.params);
      const payment = paymentFrom(deps, current, controlBody(request.body));
      return { status: 200, body: inspectView(advance(deps, current, { type: 'pay', payment })) };
    },
  },
  {
    method: 'POST',
    path: '/:mchid/:out_recharge_no/return-funds',
    summary:
      'The bank returns funds of a SUCCESS recharge: body { amount?, return_reason? } → RECHARGE.FUND_RETURNED',
    actor: 'system',
    handler(deps, request) {
      const current = recharge(deps, request.params);
      const body = controlBody(request.body);
      onlyFields(body, ['amount', 'return_reason'], 'return-funds');
      const amount = body['amount'] ?? current.recharge_amount.amount - returnedAmount(current);
      if (typeof amount !== 'number')
        throw bodyParamError('/amount', amount, 'must be an integer amount in fen');
      const reason =
        optionalText(body, 'return_reason') ??
        DEFAULT_RETURN_REASONS[current.recharge_channel ?? ''] ??
        '付款信息与充值单不一致';
      const next = advance(deps, current, {
        type: 'returnFunds',
        recharge_returned_id: deps.newId('', 18),
        amount,
        return_reason: reason,
      });
      return { status: 200, body: inspectView(next) };
    },
  },
];
