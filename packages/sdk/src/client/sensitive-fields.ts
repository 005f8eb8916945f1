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
    result = applyAt(result, parsePointer(pointer), pointer, transform);
  }
  return result;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new TypeError(`not a JSON pointer: "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyAt(
  value: unknown,
  segments: string[],
  pointer: string,
  transform: (text: string, pointer: string) => string,
): unknown {
  if (segments.length === 0) return typeof value === 'string' ? transform(value, pointer) : value;
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(value)) {
    if (head === '*') return value.map((item) => applyAt(item, rest, pointer, transform));
    const index = Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= value.length) return value;
    const copy = [...value];
    copy[index] = applyAt(value[index], rest, pointer, transform);
    return copy;
  }
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, head)) return value;
  const record = value as Record<string, unknown>;
  return { ...record, [head]: applyAt(record[head], rest, pointer, transform) };
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
