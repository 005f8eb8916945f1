import type { OperationSpec } from '@wxpay-kit/sdk/catalogue';
import type { CallingMerchant } from '../core/merchant-directory.js';
import { ApiError } from './api-error.js';
import type { RequestInput } from './validate-request.js';

const ROLE_NAMES = {
  merchant: '普通商户 (ordinary merchant)',
  serviceProvider: '服务商 (service provider)',
  platform: '平台商户 (platform merchant)',
} as const;

/**
 * NO_AUTH with the status the operation's page documents for it (403 unless it says otherwise), led by the page's
 * own wording (e.g. `服务商未开通平台收付通` for recharges.close) so the message matches what WeChat Pay says.
 */
function noAuth(
  operation: OperationSpec,
  specific: string,
  issue: string,
  where: { location: 'url' | 'query' | 'body' | 'authorization'; field?: string; value?: string },
): ApiError {
  const documented = operation.errors.find((e) => e.code === 'NO_AUTH');
  const message = documented?.source === 'documented' ? `${documented.description}：${specific}` : specific;
  return new ApiError(documented?.status ?? 403, 'NO_AUTH', message, {
    ...(where.field === undefined ? {} : { field: where.field, value: where.value }),
    issue,
    location: where.location,
  });
}

function subMchidOf(input: RequestInput): { value: string; location: 'url' | 'query' | 'body' } | undefined {
  if (typeof input.params.sub_mchid === 'string') return { value: input.params.sub_mchid, location: 'url' };
  if (typeof input.query.sub_mchid === 'string') return { value: input.query.sub_mchid, location: 'query' };
  const body = input.body as { sub_mchid?: unknown } | undefined;
  if (typeof body?.sub_mchid === 'string') return { value: body.sub_mchid, location: 'body' };
  return undefined;
}

/**
 * The caller must be the kind of merchant the operation is for, and a `sub_mchid` it names (in the path, the
 * query or the body) must be one of its own sub-merchants.
 */
export function checkRoles(operation: OperationSpec, caller: CallingMerchant, input: RequestInput): void {
  if (caller.info.kind !== operation.role) {
    throw noAuth(
      operation,
      `商户号无权限调用该接口：${operation.name} 仅支持${ROLE_NAMES[operation.role]}`,
      `${caller.info.mchid} is a ${caller.info.kind}; ${operation.name} is for a ${operation.role}`,
      // The calling merchant is the one the Authorization header names.
      { location: 'authorization' },
    );
  }
  const sub = subMchidOf(input);
  if (sub && !caller.info.subMchids.includes(sub.value)) {
    throw noAuth(
      operation,
      `子商户号${sub.value}与商户号${caller.info.mchid}不存在绑定关系`,
      `sub_mchid ${sub.value} is not bound to ${caller.info.mchid}`,
      {
        location: sub.location,
        field: sub.location === 'body' ? '/sub_mchid' : 'sub_mchid',
        value: sub.value,
      },
    );
  }
}
