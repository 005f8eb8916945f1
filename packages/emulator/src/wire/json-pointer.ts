import { formatPointer, getAtPointer, parsePointer } from '@wxpay-kit/sdk/protocol';

/**
 * Replaces an existing value at `pointer` (RFC 6901, as the catalogue names sensitive fields); does nothing when
 * the path does not exist. Reading and parsing pointers is the SDK's (`@wxpay-kit/sdk/protocol`).
 */
export function replaceAtPointer(root: unknown, pointer: string, value: unknown): void {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return;
  const parent = getAtPointer(root, formatPointer(tokens));
  if (typeof parent === 'object' && parent !== null && Object.hasOwn(parent, last)) {
    (parent as Record<string, unknown>)[last] = value;
  }
}
