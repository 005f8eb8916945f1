/** A path or query value as the SDK accepts it; numbers and booleans are written in their usual text form. */
export type UrlValue = string | number | boolean;

/** A path template split once: literal text at even indexes, placeholder names at odd ones. */
const compiledTemplates = new Map<string, readonly string[]>();
/** Catalogue paths are a few dozen; a caller building templates on the fly must not grow the cache forever. */
const MAX_COMPILED_TEMPLATES = 512;

function compileTemplate(template: string): readonly string[] {
  let parts = compiledTemplates.get(template);
  if (!parts) {
    parts = template.split(/\{([^{}]+)\}/);
    if (compiledTemplates.size >= MAX_COMPILED_TEMPLATES) compiledTemplates.clear();
    compiledTemplates.set(template, parts);
  }
  return parts;
}

/**
 * `/a/{x}/b` + `{ x: 'p q/1' }` → `/a/p%20q%2F1/b`. Every placeholder must have a non-empty value: an empty
 * segment would address a different resource (`//`), so it is refused rather than sent. So are `.` and `..`,
 * which encodeURIComponent leaves alone and the URL parser would resolve away after they were signed.
 */
export function expandPath(
  template: string,
  params: Readonly<Record<string, UrlValue | undefined | null>> = {},
): string {
  const parts = compileTemplate(template);
  let path = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
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
    path += encodeURIComponent(text) + (parts[i + 1] as string);
  }
  return path;
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
