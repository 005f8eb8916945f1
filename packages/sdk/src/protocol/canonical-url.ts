/** A path or query value as the SDK accepts it; numbers and booleans are written in their usual text form. */
export type UrlValue = string | number | boolean;

/**
 * `/a/{x}/b` + `{ x: 'p q/1' }` → `/a/p%20q%2F1/b`. Every placeholder must have a non-empty value: an empty
 * segment would address a different resource (`//`), so it is refused rather than sent. So are `.` and `..`,
 * which encodeURIComponent leaves alone and the URL parser would resolve away after they were signed.
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
    if (text === '.' || text === '..') {
      throw new TypeError(
        `expandPath: path parameter "${name}" is "${text}", which the URL parser would resolve away; it cannot be sent`,
      );
    }
    return encodeURIComponent(text);
  });
}

/**
 * encodeURIComponent leaves `!'()*` alone, but the URL parser percent-encodes `'` in a query: every character
 * outside RFC 3986 unreserved is encoded so the query is signed exactly as it will be sent.
 */
function encodeQueryComponent(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `''` or `?a=1&b=2`: keys in the given order, undefined/null values skipped, keys and values percent-encoded. */
export function buildQueryString(
  query: Readonly<Record<string, UrlValue | undefined | null>> | undefined,
): string {
  if (!query) return '';
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    pairs.push(`${encodeQueryComponent(key)}=${encodeQueryComponent(String(value))}`);
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}
