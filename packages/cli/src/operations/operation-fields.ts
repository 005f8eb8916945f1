import type { OperationSpec } from '@wxpay-kit/sdk';
import { CliUsageError } from '../exit-codes.js';

/** A JSON-schema node as the catalogue's TypeBox rows serialise. */
export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  description?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  examples?: unknown[];
  [key: string]: unknown;
}

export type FieldLocation = 'path' | 'query' | 'body';

/** One top-level input field of an operation: a flag `--<name>` of its command. */
export interface OperationField {
  name: string;
  location: FieldLocation;
  required: boolean;
  schema: SchemaNode;
}

/** The operation's flat input (path, query and body side by side, as the SDK method takes it), from the catalogue. */
export function operationFields(spec: OperationSpec): OperationField[] {
  const parts: [FieldLocation, unknown][] = [
    ['path', spec.params],
    ['query', spec.query],
    ['body', spec.body],
  ];
  const fields: OperationField[] = [];
  for (const [location, part] of parts) {
    const object = part as SchemaNode | undefined;
    if (object?.properties === undefined) continue;
    const required = new Set(object.required ?? []);
    for (const [name, schema] of Object.entries(object.properties)) {
      fields.push({ name, location, required: required.has(name), schema });
    }
  }
  return fields;
}

/** What kind of value a flag takes: scalars as typed, objects and arrays as JSON. */
export function valueKind(schema: SchemaNode): 'string' | 'integer' | 'number' | 'boolean' | 'json' {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number' || type === 'boolean') return type;
  if (type === 'object' || type === 'array') return 'json';
  if (schema.anyOf?.some((member) => member.type === 'object' || member.type === 'array')) return 'json';
  return 'string';
}

/** The limits of a field in words, for `--help`: `string 1–32, pattern ^[0-9]+$`, `integer ≥ 1`, `one of A, B`. */
export function describeConstraints(schema: SchemaNode): string {
  const parts: string[] = [];
  const kind = valueKind(schema);
  if (schema.enum) parts.push(`one of ${schema.enum.join(', ')}`);
  else if (schema.anyOf?.every((member) => member.enum || member.const !== undefined)) {
    parts.push(`e.g. ${(schema.anyOf ?? []).flatMap((member) => member.enum ?? [member.const]).join(', ')}`);
  } else parts.push(kind === 'json' ? `${schema.type ?? 'value'} as JSON` : kind);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    parts.push(`length ${schema.minLength ?? 0}–${schema.maxLength ?? '∞'}`);
  }
  if (schema.pattern) parts.push(`pattern ${schema.pattern}`);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.minItems !== undefined)
    parts.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  return parts.join(', ');
}

/**
 * Converts a flag's text to the type the catalogue declares. Only the type is decided here: limits and patterns
 * are the SDK's to check, so the CLI never refuses what the SDK (and WeChat Pay) would accept.
 */
export function parseFlagValue(field: Pick<OperationField, 'name' | 'schema'>, raw: string): unknown {
  const kind = valueKind(field.schema);
  switch (kind) {
    case 'integer':
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || (kind === 'integer' && !Number.isInteger(value))) {
        throw new CliUsageError(
          `--${field.name} takes ${kind === 'integer' ? 'an integer' : 'a number'}, got "${raw}"`,
        );
      }
      return value;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new CliUsageError(`--${field.name} takes true or false, got "${raw}"`);
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        throw new CliUsageError(
          `--${field.name} takes JSON (an ${field.schema.type ?? 'object'}), got "${raw}"`,
        );
      }
    default:
      return raw;
  }
}
