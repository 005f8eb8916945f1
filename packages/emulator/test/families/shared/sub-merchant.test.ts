import { describe, expect, it } from 'vitest';
import { authorizationsFamily } from '../../../src/families/authorizations/index.js';
import { assertSubMerchantOf } from '../../../src/families/shared/sub-merchant.js';
import {
  errorOf,
  FamilyHarness,
  OTHER_SUB,
  OTHER_SUB_MERCHANT,
  PLATFORM,
  SERVICE_PROVIDER,
  SUB_A,
  SUB_MERCHANT,
} from '../support/family-harness.js';

const { deps } = new FamilyHarness(authorizationsFamily);
const caller = (mchid: string) => {
  const merchant = deps.merchants.get(mchid)!;
  return { mchid, role: merchant.kind as 'platform' | 'serviceProvider', merchant };
};

describe('assertSubMerchantOf', () => {
  it('passes for a sub-merchant bound to the caller', () => {
    expect(() => assertSubMerchantOf(deps, caller(PLATFORM), SUB_A)).not.toThrow();
    expect(() => assertSubMerchantOf(deps, caller(SERVICE_PROVIDER), SUB_MERCHANT)).not.toThrow();
  });

  it('is 403 NO_AUTH naming both numbers and the caller’s role otherwise', () => {
    expect(errorOf(() => assertSubMerchantOf(deps, caller(PLATFORM), OTHER_SUB))).toMatchObject({
      status: 403,
      code: 'NO_AUTH',
      message: `sub_mchid ${OTHER_SUB} is not a sub-merchant of platform ${PLATFORM}`,
    });
    expect(
      errorOf(() => assertSubMerchantOf(deps, caller(SERVICE_PROVIDER), OTHER_SUB_MERCHANT)).message,
    ).toBe(`sub_mchid ${OTHER_SUB_MERCHANT} is not a sub-merchant of service provider ${SERVICE_PROVIDER}`);
    expect(errorOf(() => assertSubMerchantOf(deps, caller(PLATFORM), PLATFORM)).code).toBe('NO_AUTH');
  });
});
