/** The object without its undefined members: WeChat Pay leaves absent optional fields out instead of sending null. */
export function defined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/**
 * The members of `source` named in `fields` that are set, in the order of `fields` (the seed pages' order), as
 * deep copies so that a reply never shares objects with the stored record.
 */
export function pickDefined<T extends object>(
  source: T,
  fields: readonly (keyof T & string)[],
): Record<string, unknown> {
  return defined(Object.fromEntries(fields.map((field) => [field, structuredClone(source[field])])));
}
