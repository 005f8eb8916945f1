import type { MerchantRole } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { Caller, FamilyDeps } from '../family.js';

const ROLE_NAMES: Record<MerchantRole, string> = {
  merchant: 'merchant',
  serviceProvider: 'service provider',
  platform: 'platform',
};

/**
 * 403 NO_AUTH unless `subMchid` is bound to the caller. The framework's role check already did this; a family
 * answers for its own records all the same.
 */
export function assertSubMerchantOf(deps: FamilyDeps, caller: Caller, subMchid: string): void {
  if (!deps.merchants.isSubMerchantOf(caller.mchid, subMchid)) {
    throw new ApiError(
      403,
      'NO_AUTH',
      `sub_mchid ${subMchid} is not a sub-merchant of ${ROLE_NAMES[caller.role]} ${caller.mchid}`,
    );
  }
}
