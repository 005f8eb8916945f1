/** RFC 6901 pointer → its unescaped reference tokens (`/a~1b/c` → `['a/b', 'c']`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isContainer(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The value at `pointer`, or undefined when any step is missing. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let current = root;
  for (const token of pointerTokens(pointer)) {
    if (!isContainer(current) || !Object.hasOwn(current, token)) return undefined;
    current = current[token];
  }
  return current;
}

/** Replaces an existing value at `pointer`; does nothing when the path does not exist. */
export function replaceAtPointer(root: unknown, pointer: string, value: unknown): void {
  const tokens = pointerTokens(pointer);
  const last = tokens.pop();
  if (last === undefined) return;
  const parent = getAtPointer(root, tokens.map((t) => `/${escapePointerToken(t)}`).join(''));
  if (isContainer(parent) && Object.hasOwn(parent, last)) parent[last] = value;
}
