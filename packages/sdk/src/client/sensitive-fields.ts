import { parsePointer, rsaOaepEncrypt, unixSeconds } from '../protocol/index.js';
import type { ClientContext } from './resolve-options.js';

/**
 * Applies `transform` to the string at each JSON pointer of `value`, returning a copy (the input is left alone).
 * A `*` segment stands for every element of an array. Pointers whose target is absent are skipped: sensitive
 * fields are usually optional.
 */
export function transformAtPointers(
  value: unknown,
  pointers: readonly string[],
  transform: (text: string, pointer: string) => string,
): unknown {
  let result = value;
  for (const pointer of pointers) {
    result = applyAt(result, parsePointer(pointer), (leaf) =>
      typeof leaf === 'string' ? transform(leaf, pointer) : leaf,
    );
  }
  return result;
}

/** Replaces the value at `segments` through `leaf`, copying what it passes through; absent targets are skipped. */
function applyAt(value: unknown, segments: string[], leaf: (value: unknown) => unknown): unknown {
  if (segments.length === 0) return leaf(value);
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(value)) {
    if (head === '*') return value.map((item) => applyAt(item, rest, leaf));
    const index = Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= value.length) return value;
    const copy = [...value];
    copy[index] = applyAt(value[index], rest, leaf);
    return copy;
  }
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, head)) return value;
  const record = value as Record<string, unknown>;
  return { ...record, [head]: applyAt(record[head], rest, leaf) };
}

const REDACTED = '[REDACTED]';

/**
 * What an error may show of `value`, the input found at `field` (a JSON pointer): `[REDACTED]` when `field` is one
 * of the sensitive `pointers` or lies inside one, and a copy with those members redacted when it contains them.
 */
export function redactSensitive(value: unknown, field: string, pointers: readonly string[]): unknown {
  const fieldTokens = parsePointer(field);
  let result = value;
  for (const pointer of pointers) {
    const tokens = parsePointer(pointer);
    const shared = Math.min(fieldTokens.length, tokens.length);
    const onPath = tokens.slice(0, shared).every((token, i) => token === '*' || token === fieldTokens[i]);
    if (!onPath) continue;
    if (fieldTokens.length >= tokens.length) return REDACTED;
    result = applyAt(result, tokens.slice(shared), () => REDACTED);
  }
  return result;
}

/** Whether any pointer addresses a string present in `value`. */
export function hasValueAtPointers(value: unknown, pointers: readonly string[]): boolean {
  let found = false;
  transformAtPointers(value, pointers, (text) => {
    found = true;
    return text;
  });
  return found;
}

/**
 * Encrypts the request's sensitive fields with the platform key valid by the client's clock and picks the
 * `Wechatpay-Serial` to send: always when encrypted fields are present (the server must know which key to
 * decrypt with), and whenever the operation requires the header.
 */
export function encryptRequestBody(
  context: ClientContext,
  body: unknown,
  pointers: readonly string[],
  serialRequired: boolean,
): { body: unknown; wechatpaySerial: string | undefined } {
  const encrypting = pointers.length > 0 && hasValueAtPointers(body, pointers);
  if (!encrypting && !serialRequired) return { body, wechatpaySerial: undefined };
  const { serial, key } = context.keyring.encryptionKey(unixSeconds(context.now()));
  const encrypted = encrypting
    ? transformAtPointers(body, pointers, (text) => rsaOaepEncrypt(text, key))
    : body;
  return { body: encrypted, wechatpaySerial: serial };
}
