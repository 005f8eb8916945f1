import Type, { type TProperties } from 'typebox';
import type { DocumentedError } from './types.js';

/** Merchant out-numbers (`out_bill_no`, `out_recharge_no`, …): the docs allow digits and letters only. */
export const OUT_NO_PATTERN = '^[0-9A-Za-z]+$';

/**
 * RFC 3339 date-time with a mandatory offset, as WeChat Pay writes it: `2015-05-20T13:29:35+08:00`,
 * `2015-05-20T13:29:35.120+08:00` or `…Z`. A pattern rather than `format: date-time`, because TypeBox 1.x
 * validates formats only when they are registered and every consumer must reject the same strings.
 */
export const RFC3339_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)' +
  '(\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';

/** Merchant numbers (mchid, sub_mchid, sp_mchid) are digit strings. */
export const MCHID_PATTERN = '^[0-9]+$';

/** A request object: unknown members are rejected so that a misspelt field fails before it is sent. */
export function strictObject<T extends TProperties>(properties: T, description?: string) {
  return Type.Object(properties, {
    additionalProperties: false,
    ...(description === undefined ? {} : { description }),
  });
}

/** A response object: WeChat Pay adds members over time, so unknown members are allowed. */
export function responseObject<T extends TProperties>(properties: T, description?: string) {
  return Type.Object(properties, {
    additionalProperties: true,
    ...(description === undefined ? {} : { description }),
  });
}

export function outNo(maxLength: number, description: string) {
  return Type.String({ minLength: 1, maxLength, pattern: OUT_NO_PATTERN, description });
}

export function mchid(description: string) {
  return Type.String({ minLength: 1, maxLength: 32, pattern: MCHID_PATTERN, description });
}

/** A bounded, non-empty string (`string(n)` in the field tables). */
export function text(maxLength: number, description: string) {
  return Type.String({ minLength: 1, maxLength, description });
}

/** A string as a response carries it: lengths are WeChat Pay's business, not something to reject on. */
export function responseText(description: string) {
  return Type.String({ description });
}

export function rfc3339(description: string) {
  return Type.String({ maxLength: 32, pattern: RFC3339_PATTERN, description });
}

/** Amounts are integers in fen (分); zero or negative amounts are never valid requests. */
export function amount(description: string, maximum?: number) {
  return Type.Integer({ minimum: 1, ...(maximum === undefined ? {} : { maximum }), description });
}

export function stringEnum<const Values extends string[]>(values: readonly [...Values], description: string) {
  return Type.Enum<Values>(values, { description });
}

/** The four rows every APIv3 page lists under 公共错误码, verbatim. */
export const COMMON_ERRORS: readonly DocumentedError[] = [
  { status: 400, code: 'PARAM_ERROR', description: '参数错误', source: 'documented' },
  {
    status: 400,
    code: 'INVALID_REQUEST',
    description: 'HTTP 请求不符合微信支付 APIv3 接口规则',
    source: 'documented',
  },
  { status: 401, code: 'SIGN_ERROR', description: '验证不通过', source: 'documented' },
  { status: 500, code: 'SYSTEM_ERROR', description: '系统异常,请稍后重试', source: 'documented' },
];

export function documented(status: number, code: string, description: string): DocumentedError {
  return { status, code, description, source: 'documented' };
}

export function assumed(status: number, code: string, description: string): DocumentedError {
  return { status, code, description, source: 'assumed' };
}

/** 403 NO_AUTH where a page does not document it: the emulator answers role and sub-merchant problems with it. */
export const ASSUMED_NO_AUTH = assumed(
  403,
  'NO_AUTH',
  'The caller lacks the merchant role or product permission, or the sub-merchant is not bound to it',
);

export function assumedRateLimitError(code: string): DocumentedError {
  return assumed(429, code, 'Too many requests: slow down and retry with the same parameters');
}
