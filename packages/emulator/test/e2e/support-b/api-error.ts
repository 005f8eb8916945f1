import { WechatPayApiError } from '@wxpay-kit/sdk';
import { expect } from 'vitest';

/** The WechatPayApiError a call rejects with; anything else (a resolution, another error) fails the test. */
export async function apiErrorOf(call: Promise<unknown>): Promise<WechatPayApiError> {
  let value: unknown;
  try {
    value = await call;
  } catch (error) {
    if (error instanceof WechatPayApiError) return error;
    throw error;
  }
  throw new Error(
    `expected the call to fail with WechatPayApiError, but it resolved with ${JSON.stringify(value)}`,
  );
}

export interface ExpectedApiError {
  status: number;
  code: string;
  /** detail.field, when the answer must name the offending field. */
  field?: string;
  location?: string;
}

/**
 * Asserts the answer surfaced through the SDK: status, code, the field it names, and `retryable`, which must be
 * true exactly for the statuses WeChat Pay asks to be retried with the same parameters (429 and 5xx).
 */
export async function expectApiError(
  call: Promise<unknown>,
  expected: ExpectedApiError,
): Promise<WechatPayApiError> {
  const error = await apiErrorOf(call);
  expect({ status: error.status, code: error.code }, error.message).toEqual({
    status: expected.status,
    code: expected.code,
  });
  expect(error.retryable).toBe(expected.status === 429 || expected.status >= 500);
  if (expected.field !== undefined) expect(error.detail?.field, error.message).toBe(expected.field);
  if (expected.location !== undefined) expect(error.detail?.location, error.message).toBe(expected.location);
  return error;
}
