/** Anything that carries HTTP headers: a fetch `Headers`, Node's `IncomingHttpHeaders`, or a plain record. */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

function isHeadersObject(headers: HeadersLike): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown }).get === 'function';
}

/**
 * Case-insensitive header lookup. Repeated values (string[]) are joined with `, ` as fetch does, so a duplicated
 * signature header yields a value that fails verification instead of silently picking one copy.
 */
export function getHeader(headers: HeadersLike, name: string): string | undefined {
  if (isHeadersObject(headers)) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (Array.isArray(value)) values.push(...value);
    else values.push(String(value));
  }
  return values.length === 0 ? undefined : values.join(', ');
}
