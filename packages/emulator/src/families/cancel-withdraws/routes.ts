import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../../wire/api-error.js';
import type { FamilyDeps, OperationCall, OperationHandler, OperationResult } from '../family.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { bodyParamError } from '../shared/param-error.js';
import { advance, createApplication } from './advance.js';
import { IN_PROGRESS, MERCHANT_CANCELLED } from './machine.js';
import {
  type CancelWithdraw,
  type PayeeSummary,
  type PlatformConfirmContent,
  toEntity,
  type WithdrawOption,
} from './record.js';
import { applicationsOf, findByApplymentId, findByOutRequestNo, getBalances } from './store.js';

interface ApplyBody {
  sub_mchid: string;
  out_request_no: string;
  withdraw?: WithdrawOption;
  payee_info?: {
    account_type: string;
    bank_account_info: {
      account_name: string;
      account_bank: string;
      bank_branch_id?: string;
      bank_branch_name?: string;
      account_number: string;
    };
    /** Its members are 选填 in the table; the catalogue's rule requires all three for a personal account. */
    identity_info?: { id_doc_type?: string; identification_name?: string; identification_no?: string };
  };
  proof_medias?: { proof_media_type: string; proof_media: string }[];
  additional_materials?: string[];
  remark?: string;
}

interface ConfirmBody extends PlatformConfirmContent {
  applyment_id?: string;
  out_request_no?: string;
  sub_mchid: string;
}

function notFound(field: string, value: string, issue: string, location: 'url' | 'body'): ApiError {
  return new ApiError(404, 'NOT_FOUND', '申请单不存在', { field, value, issue, location });
}

interface SubMerchantStatus {
  cancelledBy?: CancelWithdraw;
  inProgress: CancelWithdraw[];
}

function statusOf(deps: FamilyDeps, subMchid: string): SubMerchantStatus {
  const applications = applicationsOf(deps.db, subMchid);
  const cancelledBy = applications.find((a) => MERCHANT_CANCELLED.includes(a.cancel_state));
  return {
    ...(cancelledBy ? { cancelledBy } : {}),
    inProgress: applications.filter((a) => IN_PROGRESS.includes(a.cancel_state)),
  };
}

function validate(deps: FamilyDeps, call: OperationCall): OperationResult {
  const subMchid = call.params['sub_mchid'] ?? '';
  const status = statusOf(deps, subMchid);
  const blockReasons: { type: string; description: string }[] = [];
  if (status.cancelledBy) {
    blockReasons.push({
      type: 'OTHER_REASON',
      description: `二级商户号已注销（注销申请单${status.cancelledBy.applyment_id}）`,
    });
  }
  for (const application of status.inProgress) {
    blockReasons.push(
      application.cancel_state === 'FUND_PROCESSING'
        ? { type: 'FUNDS_PENDING_PROCESSING', description: `注销申请单${application.applyment_id}资金处理中` }
        : {
            type: 'OTHER_REASON',
            description: `已有处理中的注销申请单${application.applyment_id}（${application.cancel_state}）`,
          },
    );
  }
  return {
    status: 200,
    body: {
      sub_mchid: subMchid,
      merchant_state: status.cancelledBy ? 'HAS_BEEN_CANCELLED' : 'NORMAL',
      validate_result: blockReasons.length === 0 ? 'ALLOW_CANCEL_WITHDRAW' : 'NOT_ALLOW_CANCEL_WITHDRAW',
      account_info: getBalances(deps.db, subMchid),
      ...(blockReasons.length === 0 ? {} : { block_reasons: blockReasons }),
    },
  };
}

function payeeSummary(payee: NonNullable<ApplyBody['payee_info']>): PayeeSummary {
  const bank = payee.bank_account_info;
  return {
    account_type: payee.account_type,
    account_bank: bank.account_bank,
    ...(bank.bank_branch_id === undefined ? {} : { bank_branch_id: bank.bank_branch_id }),
    ...(bank.bank_branch_name === undefined ? {} : { bank_branch_name: bank.bank_branch_name }),
    account_number_tail: bank.account_number.slice(-4),
    ...(payee.identity_info?.id_doc_type === undefined
      ? {}
      : { id_doc_type: payee.identity_info.id_doc_type }),
  };
}

function applyResponse(application: CancelWithdraw): OperationResult {
  return {
    status: 200,
    body: { applyment_id: application.applyment_id, out_request_no: application.out_request_no },
  };
}

function apply(deps: FamilyDeps, call: OperationCall): OperationResult {
  const body = call.body as ApplyBody;
  const spMchid = call.caller.mchid;
  // The payee fields arrive decrypted, so equal plaintext means an equal request whatever the ciphertexts were.
  const digest = createHash('sha256').update(canonicalJson(body)).digest('hex');
  const existing = findByOutRequestNo(deps.db, spMchid, body.out_request_no);
  if (existing) {
    if (existing.requestDigest === digest) return applyResponse(existing.application);
    throw new ApiError(
      400,
      'ALREADY_EXISTS',
      `out_request_no ${body.out_request_no} is already used by application ${existing.application.applyment_id} with different content; use a new out_request_no`,
      { field: '/out_request_no', value: body.out_request_no, location: 'body' },
    );
  }
  const status = statusOf(deps, body.sub_mchid);
  const blocking = status.inProgress[0];
  if (blocking) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `sub_mchid ${body.sub_mchid} already has application ${blocking.applyment_id} in progress (${blocking.cancel_state}); wait until it ends`,
      { field: '/sub_mchid', value: body.sub_mchid, location: 'body' },
    );
  }
  const withdraws = body.withdraw === 'APPLY_WITHDRAW';
  if (status.cancelledBy && !withdraws) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `sub_mchid ${body.sub_mchid} has already been cancelled (application ${status.cancelledBy.applyment_id}); only a repeat withdrawal (withdraw APPLY_WITHDRAW) can be applied for`,
      { field: '/withdraw', value: body.withdraw, location: 'body' },
    );
  }
  const repeatWithdrawal = status.cancelledBy !== undefined;
  const created = createApplication(
    deps,
    {
      applyment_id: deps.newId('', 18),
      out_request_no: body.out_request_no,
      sub_mchid: body.sub_mchid,
      sp_mchid: spMchid,
      ...(body.withdraw === undefined ? {} : { withdraw: body.withdraw }),
      ...(withdraws ? { account_info: getBalances(deps.db, body.sub_mchid) } : {}),
      manual_review: (body.proof_medias?.length ?? 0) > 0 || repeatWithdrawal,
      repeat_withdrawal: repeatWithdrawal,
      confirm_token: randomBytes(24).toString('base64url'),
      ...(body.payee_info === undefined ? {} : { payee: payeeSummary(body.payee_info) }),
      ...(body.proof_medias === undefined ? {} : { proof_medias: structuredClone(body.proof_medias) }),
      ...(body.additional_materials === undefined
        ? {}
        : { additional_materials: [...body.additional_materials] }),
      ...(body.remark === undefined ? {} : { remark: body.remark }),
    },
    digest,
  );
  return applyResponse(created);
}

function get(deps: FamilyDeps, call: OperationCall): OperationResult {
  const outRequestNo = call.params['out_request_no'] ?? '';
  const stored = findByOutRequestNo(deps.db, call.caller.mchid, outRequestNo);
  if (!stored) {
    throw notFound(
      'out_request_no',
      outRequestNo,
      `platform ${call.caller.mchid} has no application ${outRequestNo}`,
      'url',
    );
  }
  return { status: 200, body: toEntity(stored.application) };
}

function getByApplymentId(deps: FamilyDeps, call: OperationCall): OperationResult {
  const applymentId = call.params['applyment_id'] ?? '';
  const stored = findByApplymentId(deps.db, applymentId, call.caller.mchid);
  if (!stored) {
    throw notFound(
      'applyment_id',
      applymentId,
      `platform ${call.caller.mchid} has no application ${applymentId}`,
      'url',
    );
  }
  return { status: 200, body: toEntity(stored.application) };
}

/**
 * The application the confirm names; with both ids, they must name the same one (the catalogue's sameResource
 * rule, which needs the stored applications). That at least one is given, the wire layer has checked.
 */
function confirmTarget(deps: FamilyDeps, spMchid: string, body: ConfirmBody): CancelWithdraw {
  const byId =
    body.applyment_id === undefined ? undefined : findByApplymentId(deps.db, body.applyment_id, spMchid);
  const byNo =
    body.out_request_no === undefined ? undefined : findByOutRequestNo(deps.db, spMchid, body.out_request_no);
  if (body.applyment_id !== undefined && body.out_request_no !== undefined) {
    if (!byId && !byNo) {
      throw notFound(
        '/applyment_id',
        body.applyment_id,
        'neither applyment_id nor out_request_no names an application of this platform',
        'body',
      );
    }
    if (byId?.application.applyment_id !== byNo?.application.applyment_id) {
      const named = byNo ? `application ${byNo.application.applyment_id}` : 'no application';
      throw bodyParamError(
        '/out_request_no',
        body.out_request_no,
        `applyment_id and out_request_no name different applications: out_request_no ${body.out_request_no} names ${named}, applyment_id is ${body.applyment_id}`,
      );
    }
  }
  const stored = byId ?? byNo;
  if (!stored) {
    const [field, value] =
      body.applyment_id !== undefined
        ? ['/applyment_id', body.applyment_id]
        : ['/out_request_no', body.out_request_no];
    throw notFound(field, value ?? '', `platform ${spMchid} has no such application`, 'body');
  }
  return stored.application;
}

function confirm(deps: FamilyDeps, call: OperationCall): OperationResult {
  const body = call.body as ConfirmBody;
  const application = confirmTarget(deps, call.caller.mchid, body);
  if (application.sub_mchid !== body.sub_mchid) {
    throw notFound(
      '/sub_mchid',
      body.sub_mchid,
      `application ${application.applyment_id} belongs to another sub-merchant than ${body.sub_mchid}`,
      'body',
    );
  }
  const content: PlatformConfirmContent = {
    operator_identification: body.operator_identification,
    confirm_time: body.confirm_time,
    cancel_contract_version: body.cancel_contract_version,
  };
  // A repeat of the same confirmation is a row of the machine (answered unchanged), like the first one.
  const result = advance(deps, application, { type: 'confirm', confirmation: content });
  return {
    status: 200,
    body: {
      applyment_id: result.applyment_id,
      sub_mchid: result.sub_mchid,
      out_request_no: result.out_request_no,
    },
  };
}

export const operations: Record<string, OperationHandler> = {
  'cancelWithdraws.validate': validate,
  'cancelWithdraws.apply': apply,
  'cancelWithdraws.get': get,
  'cancelWithdraws.getByApplymentId': getByApplymentId,
  'cancelWithdraws.confirm': confirm,
};
