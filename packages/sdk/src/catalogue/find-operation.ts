import { operationList } from './operations.js';
import type { OperationSpec } from './types.js';

export interface OperationMatch {
  operation: OperationSpec;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
}

type Segment = { literal: string } | { param: string };

interface CompiledTemplate {
  operation: OperationSpec;
  segments: Segment[];
  literalCount: number;
}

const PLACEHOLDER = /^\{([A-Za-z0-9_]+)\}$/;

function compile(operation: OperationSpec): CompiledTemplate {
  const segments = operation.path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const placeholder = PLACEHOLDER.exec(part);
      return placeholder ? { param: placeholder[1]! } : { literal: part };
    });
  return { operation, segments, literalCount: segments.filter((s) => 'literal' in s).length };
}

// More literal segments first, so a fixed path such as `…/confirm` wins over a `…/{param}` sibling.
const templates = operationList.map(compile).sort((a, b) => b.literalCount - a.literalCount);

/**
 * The same templates grouped by method and segment count, in the same order: a request is compared only with the
 * few it could match (the emulator looks one up on every call).
 */
const byShape = new Map<string, CompiledTemplate[]>();
for (const template of templates) {
  const shape = `${template.operation.method} ${template.segments.length}`;
  const group = byShape.get(shape);
  if (group) group.push(template);
  else byShape.set(shape, [template]);
}

/** Malformed percent-encoding is kept as sent, so validation reports the value rather than a 404. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function match(template: CompiledTemplate, parts: readonly string[]): Record<string, string> | undefined {
  const { segments } = template;
  if (parts.length !== segments.length) return undefined;
  // Literals first, so a template that does not match allocates nothing.
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if ('literal' in segment ? parts[i] !== segment.literal : parts[i] === '') return undefined;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if ('param' in segment) params[segment.param] = decode(parts[i]!);
  }
  return params;
}

function splitPath(path: string): string[] | undefined {
  const pathOnly = path.split(/[?#]/, 1)[0]!;
  if (!pathOnly.startsWith('/')) return undefined;
  return pathOnly.split('/').slice(1);
}

/**
 * The operation whose method and path template match a concrete request path (a query string is ignored),
 * with its decoded path parameters.
 */
export function findOperation(method: string, path: string): OperationMatch | undefined {
  const parts = splitPath(path);
  if (!parts) return undefined;
  for (const template of byShape.get(`${method.toUpperCase()} ${parts.length}`) ?? []) {
    const params = match(template, parts);
    if (params) return { operation: template.operation, params };
  }
  return undefined;
}

/** Every operation whose template matches the path, whatever its method: non-empty but no method match → 405. */
export function operationsByPath(path: string): OperationSpec[] {
  const parts = splitPath(path);
  if (!parts) return [];
  return templates.filter((template) => match(template, parts) !== undefined).map((t) => t.operation);
}
