/** A path or query value as the SDK accepts it; numbers and booleans are written in their usual text form. */
export type UrlValue = string | number | boolean;

/**
 * `/a/{x}/b` + `{ x: 'p q/1' }` → `/a/p%20q%2F1/b`. Every placeholder must have a non-empty value: an empty
 * segment would address a different resource (`//`), so it is refused rather than sent.
 */
export function expandPath(
  template: string,
  params: Readonly<Record<string, UrlValue | undefined | null>> = {},
): string {
  return template.replace(/\{([^{}]+)\}/g, (_placeholder, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) {
      throw new TypeError(`expandPath: missing path parameter "${name}" for ${template}`);
    }
    const text = String(value);
    if (text === '') throw new TypeError(`expandPath: path parameter "${name}" is empty for ${template}`);
    return encodeURIComponent(text);
  });
}

/** `''` or `?a=1&b=2`: keys in the given order, undefined/null values skipped, keys and values percent-encoded. */
export function buildQueryString(
  query: Readonly<Record<string, UrlValue | undefined | null>> | undefined,
): string {
  if (!query) return '';
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}
