/**
 * JSON pointers (RFC 6901), as catalogue rows, validation errors and PARAM_ERROR details use them
 * (`/payee_info/identity_info/identification_no`). `~` is escaped before `/`, and unescaped after it, so that a
 * token such as `~1` round-trips.
 */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** `/a~1b/c` → `['a/b', 'c']`; `''` (the whole document) → `[]`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new TypeError(`not a JSON pointer: "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** `['a/b', 'c']` → `/a~1b/c`. */
export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((token) => `/${escapePointerToken(token)}`).join('');
}

/** The value at `pointer`, or `undefined` when a step is missing; only own members are followed. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let value = root;
  for (const token of parsePointer(pointer)) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, token)) return undefined;
    value = (value as Record<string, unknown>)[token];
  }
  return value;
}
