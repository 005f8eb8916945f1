import { randomBytes } from 'node:crypto';
import { RECHARGE_SCENE_ACCOUNT_TYPES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { FamilyDeps, OperationCall, OperationHandler, OperationResult } from '../family.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { checkNotifyUrl } from '../shared/notify-url.js';
import { bodyParamError } from '../shared/param-error.js';
import { advance, createRecharge } from './advance.js';
import { type RechargeChannel, type RechargeScene, toApplyResponse, toEntity } from './record.js';
import { findRecharge, type StoredRecharge } from './store.js';

const RECHARGE_PAGE = 'https://www.payapp.qq.com/plat/recharge.html';

interface ApplyBody {
  sub_mchid: string;
  out_recharge_no: string;
  recharge_scene: RechargeScene;
  account_type: string;
  /** Both members are 选填 on the apply page; the emulator's own rules below decide what it accepts. */
  recharge_amount: { amount?: number; currency?: string };
  notify_url?: string;
  available_recharge_channels?: RechargeChannel[];
  remark?: string;
}

/**
 * What the catalogue does not enforce, because no page states it as a rule of the field: the notify-URL rule
 * (it depends on the emulator's settings), and the emulator's answers about the amount. The apply page marks
 * `amount` and `currency` 选填 but says 单位为分,仅支持CNY of the object, so the emulator needs an amount of at
 * least 1 fen, takes an absent currency as CNY and refuses any other (docs/fidelity.md). Scene ↔ account type,
 * at most 8亿元 and the sub_mchid binding the wire layer has already checked.
 */
function checkApplyBody(deps: FamilyDeps, body: ApplyBody): { amount: number; currency: string } {
  if (body.notify_url !== undefined) checkNotifyUrl(body.notify_url, '/notify_url', deps.settings);
  const { amount, currency = 'CNY' } = body.recharge_amount;
  if (amount === undefined) {
    throw bodyParamError('/recharge_amount/amount', undefined, 'is required to create a recharge');
  }
  if (amount < 1) throw bodyParamError('/recharge_amount/amount', amount, 'must be at least 1 fen');
  if (currency !== 'CNY') {
    throw bodyParamError('/recharge_amount/currency', currency, '仅支持CNY (only CNY is supported)');
  }
  if (body.available_recharge_channels !== undefined) checkChannels(body.available_recharge_channels);
  return { amount, currency };
}

/** 可用充值渠道列表: an empty list leaves nothing to pay with, and a channel listed twice is a caller mistake. */
function checkChannels(channels: readonly RechargeChannel[]): void {
  if (channels.length === 0) {
    throw bodyParamError('/available_recharge_channels', channels, 'must list at least one channel');
  }
  const repeated = channels.findIndex((channel, i) => channels.indexOf(channel) !== i);
  if (repeated >= 0) {
    throw bodyParamError(
      `/available_recharge_channels/${repeated}`,
      channels[repeated],
      'lists a channel already listed',
    );
  }
}

function apply(deps: FamilyDeps, call: OperationCall): OperationResult {
  const body = call.body as ApplyBody;
  const spMchid = call.caller.mchid;
  const rechargeAmount = checkApplyBody(deps, body);
  const request = canonicalJson(body);
  const existing = findRecharge(deps.db, spMchid, body.out_recharge_no);
  if (existing) {
    // Same number and same body: the platform is retrying, so it gets the answer it missed.
    if (existing.request === request) return { status: 200, body: toApplyResponse(existing.recharge) };
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `out_recharge_no ${body.out_recharge_no} is already used by a recharge with different parameters`,
      {
        field: '/out_recharge_no',
        value: body.out_recharge_no,
        issue:
          'reuse an out_recharge_no only to repeat the identical request; use a new number for a new recharge',
        location: 'body',
      },
    );
  }
  const created = createRecharge(
    deps,
    {
      sp_mchid: spMchid,
      sub_mchid: body.sub_mchid,
      recharge_id: deps.newId('', 18),
      out_recharge_no: body.out_recharge_no,
      account_type: RECHARGE_SCENE_ACCOUNT_TYPES[body.recharge_scene],
      recharge_scene: body.recharge_scene,
      recharge_amount: rechargeAmount,
      ...(body.available_recharge_channels === undefined
        ? {}
        : { available_recharge_channels: [...body.available_recharge_channels] }),
      ...(body.notify_url === undefined ? {} : { notify_url: body.notify_url }),
      ...(body.remark === undefined ? {} : { remark: body.remark }),
      recharge_url: `${RECHARGE_PAGE}?token=${randomBytes(24).toString('base64url')}`,
    },
    request,
  );
  return { status: 200, body: toApplyResponse(created) };
}

/**
 * The platform's recharge for that sub-merchant. A number that exists under another sub-merchant answers like an
 * unknown one: a platform may not learn about a recharge through the wrong sub_mchid.
 */
function lookup(deps: FamilyDeps, call: OperationCall): StoredRecharge {
  const outRechargeNo = call.params['out_recharge_no'] ?? '';
  const subMchid = call.query['sub_mchid'] ?? '';
  const stored = findRecharge(deps.db, call.caller.mchid, outRechargeNo);
  if (!stored || stored.recharge.sub_mchid !== subMchid) {
    throw new ApiError(404, 'NOT_FOUND', '充值单不存在', {
      field: 'out_recharge_no',
      value: outRechargeNo,
      issue: `platform ${call.caller.mchid} has no recharge ${outRechargeNo} for sub_mchid ${subMchid}`,
      location: 'url',
    });
  }
  return stored;
}

function get(deps: FamilyDeps, call: OperationCall): OperationResult {
  return { status: 200, body: toEntity(lookup(deps, call).recharge) };
}

function close(deps: FamilyDeps, call: OperationCall): OperationResult {
  const next = advance(deps, lookup(deps, call).recharge, { type: 'close' });
  return { status: 200, body: toEntity(next) };
}

export const operations: Record<string, OperationHandler> = {
  'recharges.apply': apply,
  'recharges.get': get,
  'recharges.close': close,
};
