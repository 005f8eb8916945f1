import Type, { type TProperties } from 'typebox';
import type { DocumentedError } from './types.js';

/**
 * Where a request constraint comes from: a seed page (`seed 004`, the five official pages this project started
 * from), an official page by its id (`DOC 4015469131`, pay.weixin.qq.com/doc/v3/{merchant|partner}/<id>), or an
 * official page that has no id (the recharge pages). Every request schema that restricts a value beyond its type
 * (length, pattern, enum, bounds, item counts) names at least one; a test fails for one that does not. A
 * required string's `minLength: 1` is how the catalogue reads 必填 on the cited page.
 */
export type ConstraintSource =
  | `seed 00${0 | 1 | 2 | 3 | 4}`
  | `DOC ${number}`
  | `https://pay.weixin.qq.com/${string}`;

/** The shapes a `source` entry may take (checked by the catalogue tests). */
export const CONSTRAINT_SOURCE_PATTERN =
  '^(seed 00[0-4]|DOC [0-9]{10}|https://pay\\.weixin\\.qq\\.com/\\S+)$';

/** JSON Schema keywords that restrict a value beyond its type: each needs a `source` on the same schema. */
export const CONSTRAINT_KEYWORDS = [
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;

/** The sources of a constraint, as the schema annotation carries them. */
export type Sources = readonly [ConstraintSource, ...ConstraintSource[]];

/**
 * Merchant out-numbers whose pages say 只能由数字、大小写字母组成 (`out_bill_no`, `out_recharge_no`,
 * `out_request_no`). Numbers whose pages say nothing of their characters (`out_authorization_no`) do not use it.
 */
export const OUT_NO_PATTERN = '^[0-9A-Za-z]+$';

/**
 * RFC 3339 date-time with a mandatory offset, as WeChat Pay writes it: `2015-05-20T13:29:35+08:00`,
 * `2015-05-20T13:29:35.120+08:00` or `…Z`. A pattern rather than `format: date-time`, because TypeBox 1.x
 * validates formats only when they are registered and every consumer must reject the same strings.
 */
export const RFC3339_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)' +
  '(\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';

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

/** A required `string(n)` of a field table (必填): non-empty, at most `maxLength` characters. */
export function text(maxLength: number, description: string, source: Sources) {
  return Type.String({ minLength: 1, maxLength, description, source });
}

/** An optional `string(n)` (选填): at most `maxLength` characters; an empty string is the caller's business. */
export function optionalText(maxLength: number, description: string, source: Sources) {
  return Type.Optional(Type.String({ maxLength, description, source }));
}

/** A `string` without a documented length: only its type is checked. */
export function anyText(description: string) {
  return Type.String({ description });
}

/** A merchant out-number whose page restricts it to digits and letters (the pattern also rules out ''). */
export function outNo(maxLength: number, description: string, source: Sources) {
  return Type.String({ maxLength, pattern: OUT_NO_PATTERN, description, source });
}

/**
 * A merchant number (mchid, sub_mchid): `string(32)` on every page. No page restricts its characters, so the
 * SDK does not either (WeChat Pay answers an unknown number itself).
 */
export function mchid(description: string, source: Sources) {
  return text(32, description, source);
}

/** A string as a response carries it: lengths are WeChat Pay's business, not something to reject on. */
export function responseText(description: string) {
  return Type.String({ description });
}

/** RFC 3339 time; in a request it names the page that asks for RFC 3339 and `string(32)`. */
export function rfc3339(description: string, source?: Sources) {
  return Type.String({
    maxLength: 32,
    pattern: RFC3339_PATTERN,
    description,
    ...(source === undefined ? {} : { source }),
  });
}

/** An amount in fen (分). No page states a minimum, so none is enforced; a maximum names its source. */
export function amount(description: string, maximum?: { value: number; source: Sources }) {
  return Type.Integer({
    description,
    ...(maximum === undefined ? {} : { maximum: maximum.value, source: maximum.source }),
  });
}

/** A closed list of values (可选取值). Request enums name their page; response enums are types only. */
export function stringEnum<const Values extends string[]>(
  values: readonly [...Values],
  description: string,
  source?: Sources,
) {
  return Type.Enum<Values>(values, { description, ...(source === undefined ? {} : { source }) });
}

/**
 * A string field whose pages show some values but do not close the list (转账场景 `1000`, `1006`, …; a currency
 * "人民币为CNY"): the known values are typed suggestions (`'1000' | … | (string & {})`) and documented
 * `examples`, never a wall, so a value WeChat Pay adds later passes.
 */
export function knownValues<const Values extends readonly string[]>(
  values: Values,
  description: string,
  limits: { required: boolean; maxLength?: number; source?: Sources },
) {
  const { required, maxLength, source } = limits;
  return Type.Unsafe<Values[number] | (string & {})>(
    Type.String({
      ...(required ? { minLength: 1 } : {}),
      ...(maxLength === undefined ? {} : { maxLength }),
      examples: [...values],
      description,
      ...(source === undefined ? {} : { source }),
    }),
  );
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
