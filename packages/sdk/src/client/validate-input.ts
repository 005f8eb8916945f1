import type { TObject } from 'typebox';
import { checkCrossFieldRules } from '../catalogue/cross-field-rules.js';
import { schemaValidator } from '../catalogue/schema-validator.js';
import type { OperationSpec } from '../catalogue/types.js';
import { type ValidationLocation, WechatPayValidationError } from '../errors/index.js';
import { escapePointerToken, getAtPointer } from '../protocol/json-pointer.js';
import { redactSensitive } from './sensitive-fields.js';

export interface SplitInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown> | undefined;
}

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

interface Problem {
  field: string;
  value: unknown;
  issue: string;
  location: ValidationLocation;
}

/** The error for `problem`; sensitive request fields are never carried in plaintext, since errors get logged. */
function invalid(spec: OperationSpec, problem: Problem): WechatPayValidationError {
  const value = redactSensitive(problem.value, problem.field, spec.sensitive?.request ?? []);
  return new WechatPayValidationError({ operation: spec.name, ...problem, value });
}

/** Turns TypeBox's error into a pointer at the offending member and a sentence about it. */
function describe(error: SchemaError): { field: string; issue: string } {
  const required = error.params['requiredProperties'];
  if (error.keyword === 'required' && Array.isArray(required) && required.length > 0) {
    return {
      field: `${error.instancePath}/${escapePointerToken(String(required[0]))}`,
      issue: 'is required',
    };
  }
  const extra = error.params['additionalProperties'];
  if (error.keyword === 'additionalProperties' && Array.isArray(extra) && extra.length > 0) {
    return {
      field: `${error.instancePath}/${escapePointerToken(String(extra[0]))}`,
      issue: 'is not a known field',
    };
  }
  if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) {
    return { field: error.instancePath, issue: 'is not a known field' };
  }
  return { field: error.instancePath, issue: error.message };
}

function checkPart(
  spec: OperationSpec,
  schema: TObject | undefined,
  part: Record<string, unknown> | undefined,
  location: ValidationLocation,
): void {
  if (!schema || part === undefined) return;
  const validator = schemaValidator(schema);
  if (validator.Check(part)) return;
  const [first] = validator.Errors(part) as unknown as SchemaError[];
  const { field, issue } = first ? describe(first) : { field: '', issue: 'does not match the schema' };
  throw invalid(spec, { field, value: getAtPointer(part, field), issue, location });
}

/** Which part each field of an operation belongs to: computed once per row, not on every call. */
interface FieldParts {
  params: ReadonlySet<string>;
  query: ReadonlySet<string>;
  body: ReadonlySet<string>;
  /** Every field, for the error about an unknown one. */
  accepted: string;
}

const fieldPartsByOperation = new WeakMap<OperationSpec, FieldParts>();

function fieldParts(spec: OperationSpec): FieldParts {
  let parts = fieldPartsByOperation.get(spec);
  if (!parts) {
    const names = (schema: TObject | undefined) => (schema ? Object.keys(schema.properties) : []);
    const params = new Set(names(spec.params));
    const query = new Set(names(spec.query));
    const body = new Set(names(spec.body));
    const accepted = [...params, ...query, ...body].join(', ') || 'no fields';
    parts = { params, query, body, accepted };
    fieldPartsByOperation.set(spec, parts);
  }
  return parts;
}

/**
 * Splits a flat method input into path, query and body by the row's schemas, then validates each part and the
 * operation's cross-field rules. Throws `WechatPayValidationError` (pointer, value, issue, location) for the
 * first problem; nothing has been sent at that point.
 */
export function validateAndSplit(spec: OperationSpec, input: unknown): SplitInput {
  const operation = spec.name;
  const defaultLocation: ValidationLocation = spec.body ? 'body' : spec.query ? 'query' : 'url';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid(spec, {
      field: '',
      value: input,
      issue: 'input must be an object of fields',
      location: defaultLocation,
    });
  }

  const { params: paramNames, query: queryNames, body: bodyNames, accepted } = fieldParts(spec);
  const split: SplitInput = { params: {}, query: {}, body: spec.body ? {} : undefined };

  for (const [name, value] of Object.entries(input)) {
    // `undefined` members are how callers leave optional fields out; JSON would drop them anyway.
    if (value === undefined) continue;
    const known = paramNames.has(name) || queryNames.has(name) || bodyNames.has(name);
    if (!known) {
      throw invalid(spec, {
        field: `/${escapePointerToken(name)}`,
        value,
        issue: `is not a field of ${operation} (accepted: ${accepted})`,
        location: defaultLocation,
      });
    }
    if (paramNames.has(name)) split.params[name] = value;
    if (queryNames.has(name)) split.query[name] = value;
    if (bodyNames.has(name) && split.body) split.body[name] = value;
  }

  checkPart(spec, spec.params, split.params, 'url');
  checkPart(spec, spec.query, split.query, 'query');
  checkPart(spec, spec.body, split.body, 'body');

  const [violation] = checkCrossFieldRules(operation, split);
  if (violation) {
    throw invalid(spec, {
      field: violation.field,
      value: violation.value,
      issue: violation.issue,
      location: violation.location,
    });
  }
  return split;
}
