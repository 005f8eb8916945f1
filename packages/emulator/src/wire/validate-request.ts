import { checkCrossFieldRules, type OperationSpec, schemaValidator } from '@wxpay-kit/sdk/catalogue';
import { escapePointerToken, getAtPointer } from '@wxpay-kit/sdk/protocol';
import type { TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import { ApiError, type ApiErrorDetail } from './api-error.js';
import { JsonTooDeepError, parseBoundedJson } from './bounded-json.js';

type Location = 'body' | 'url' | 'query';

export interface RequestInput {
  params: Record<string, string>;
  query: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: validated against the operation's schema
  body: any;
}

export interface RawRequestParts {
  /** Decoded path parameters from the route match. */
  params: Record<string, string>;
  /** Path and query as received. */
  rawUrl: string;
  rawBody: Buffer;
  /** `Wechatpay-Serial`, if sent. */
  wechatpaySerial: string | undefined;
}

/** The identifiers a client may name in `Wechatpay-Serial`: both denote the emulator's platform key. */
export interface PlatformSerials {
  publicKeyId: string;
  certificateSerial: string;
}

function paramError(message: string, detail: ApiErrorDetail): ApiError {
  return new ApiError(400, 'PARAM_ERROR', message, detail);
}

/** WeChat names the input source the way it echoes it: `输入源“/body/amount/currency”`. */
function sourceName(location: Location, pointer: string): string {
  return `/${location}${pointer}`;
}

interface Problem {
  pointer: string;
  issue: string;
}

/** The first problem, phrased for a person: which field, and what is wrong with it. */
function describe(errors: readonly TLocalizedValidationError[]): Problem {
  const first = errors[0]!;
  const here = errors.filter((e) => e.instancePath === first.instancePath);
  switch (first.keyword) {
    case 'boolean':
      if (first.schemaPath.endsWith('/additionalProperties')) {
        return { pointer: first.instancePath, issue: 'is not a field of this request' };
      }
      break;
    case 'additionalProperties': {
      const [name = ''] = (first.params as { additionalProperties: string[] }).additionalProperties;
      return {
        pointer: `${first.instancePath}/${escapePointerToken(name)}`,
        issue: 'is not a field of this request',
      };
    }
    case 'required': {
      const [name = ''] = (first.params as { requiredProperties: string[] }).requiredProperties;
      return {
        pointer: `${first.instancePath}/${escapePointerToken(name)}`,
        issue: 'is required but missing',
      };
    }
    case 'const':
    case 'enum': {
      // A union of literals reports one error per branch: merge them into one list of allowed values.
      const allowed = here.flatMap((e) =>
        e.keyword === 'const'
          ? [(e.params as { allowedValue: unknown }).allowedValue]
          : e.keyword === 'enum'
            ? (e.params as { allowedValues: unknown[] }).allowedValues
            : [],
      );
      return {
        pointer: first.instancePath,
        issue: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    }
  }
  return { pointer: first.instancePath, issue: first.message };
}

function check(schema: TSchema, value: unknown, location: Location): void {
  const validator = schemaValidator(schema);
  if (validator.Check(value)) return;
  const problem = describe(validator.Errors(value));
  // Path and query parameters are named plainly (`out_bill_no`); body fields by JSON pointer (`/amount/currency`).
  const field = location === 'body' ? problem.pointer : problem.pointer.replace(/^\//, '');
  const detail: ApiErrorDetail = { field, issue: problem.issue, location };
  const value_ = getAtPointer(value, problem.pointer);
  if (value_ !== undefined) detail.value = value_;
  throw paramError(
    `输入源“${sourceName(location, problem.pointer)}”校验失败：${field} ${problem.issue}`,
    detail,
  );
}

function parseQuery(rawUrl: string): Record<string, string> {
  const question = rawUrl.indexOf('?');
  const query: Record<string, string> = {};
  if (question === -1) return query;
  for (const [name, value] of new URLSearchParams(rawUrl.slice(question + 1))) {
    if (Object.hasOwn(query, name)) {
      throw paramError(`输入源“/query/${name}”重复`, {
        field: name,
        location: 'query',
        issue: 'is given more than once',
      });
    }
    query[name] = value;
  }
  return query;
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return parseBoundedJson(rawBody.toString('utf8'));
  } catch (error) {
    if (error instanceof JsonTooDeepError) {
      throw paramError(`请求体嵌套过深 (the request body nests deeper than ${error.maxDepth} levels)`, {
        location: 'body',
        issue: error.message,
      });
    }
    throw paramError('请求体不是合法的JSON (the request body is not valid JSON)', {
      location: 'body',
      issue: (error as Error).message,
    });
  }
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

function parseBody(operation: OperationSpec, rawBody: Buffer): unknown {
  const empty = rawBody.toString('utf8').trim() === '';
  if (!operation.body) {
    // Clients such as wechatpay-axios-plugin send `{}` for body-less POSTs: accept that and the empty body.
    if (empty || isEmptyObject(parseJson(rawBody))) return undefined;
    throw paramError(`${operation.name} 不接受请求体 (this operation takes no request body)`, {
      location: 'body',
      issue: 'this operation takes no body; send an empty body or {}',
    });
  }
  if (empty) {
    throw paramError('请求体为空 (the request body is empty)', {
      location: 'body',
      issue: `${operation.name} needs a JSON object body`,
    });
  }
  return parseJson(rawBody);
}

/** Only the declared query parameters are checked; others (e.g. `is_display_authorization`) are ignored. */
function declaredQuery(operation: OperationSpec, query: Record<string, string>): Record<string, string> {
  const declared = operation.query ? Object.keys(operation.query.properties) : [];
  return Object.fromEntries(Object.entries(query).filter(([name]) => declared.includes(name)));
}

function checkWechatpaySerial(
  operation: OperationSpec,
  body: unknown,
  serial: string | undefined,
  platform: PlatformSerials,
): void {
  const encrypted = (operation.sensitive?.request ?? []).some(
    (pointer) => getAtPointer(body, pointer) !== undefined,
  );
  if (operation.wechatpaySerial !== 'required' && !encrypted) return;
  if (serial === undefined || serial.trim() === '') {
    throw paramError('HTTP header缺少微信支付平台证书序列号(Wechatpay-Serial)', {
      field: 'Wechatpay-Serial',
      location: 'header',
      issue: encrypted
        ? 'the body carries encrypted fields, so Wechatpay-Serial must name the key that encrypted them'
        : `${operation.name} requires Wechatpay-Serial`,
    });
  }
  if (serial !== platform.publicKeyId && serial.toUpperCase() !== platform.certificateSerial) {
    throw paramError('平台证书序列号Wechatpay-Serial错误', {
      field: 'Wechatpay-Serial',
      value: serial,
      location: 'header',
      issue: `names no key of this emulator; use ${platform.publicKeyId} (or the platform certificate ${platform.certificateSerial})`,
    });
  }
}

/**
 * Path parameters, query and body against the catalogue row (400 PARAM_ERROR naming the field), then the
 * catalogue's cross-field rules, then the `Wechatpay-Serial` header the encrypted fields need.
 */
export function validateRequest(
  operation: OperationSpec,
  parts: RawRequestParts,
  platform: PlatformSerials,
): RequestInput {
  if (operation.params) check(operation.params, parts.params, 'url');
  const query = declaredQuery(operation, parseQuery(parts.rawUrl));
  if (operation.query) check(operation.query, query, 'query');
  const body = parseBody(operation, parts.rawBody);
  if (operation.body) check(operation.body, body, 'body');
  const [violation] = checkCrossFieldRules(operation.name, { params: parts.params, query, body });
  if (violation) {
    const field = violation.location === 'body' ? violation.field : violation.field.replace(/^\//, '');
    const detail: ApiErrorDetail = { field, issue: violation.issue, location: violation.location };
    if (violation.value !== undefined) detail.value = violation.value;
    throw paramError(
      `输入源“${sourceName(violation.location, violation.field)}”校验失败：${violation.issue}`,
      detail,
    );
  }
  checkWechatpaySerial(operation, body, parts.wechatpaySerial, platform);
  return { params: parts.params, query, body };
}
