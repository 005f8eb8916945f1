/** The object without its undefined members: WeChat Pay leaves absent optional fields out instead of sending null. */
export function defined<T extends Record<string, unknown>>(object: T): T {
  // A plain loop: entries → filter → fromEntries allocated an array per member on every answer.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/**
 * The members of `source` named in `fields` that are set, in the order of `fields` (the seed pages' order), as
 * deep copies so that a reply never shares objects with the stored record.
 */
export function pickDefined<T extends object>(
  source: T,
  fields: readonly (keyof T & string)[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value: unknown = source[field];
    if (value === undefined) continue;
    // Strings and numbers are values already: only objects need copying.
    out[field] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
  return out;
}
