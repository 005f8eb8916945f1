/**
 * A request's canonical text for idempotency checks: object keys sorted at every depth, arrays in order and
 * undefined members dropped, so two bodies that differ only in key order compare equal.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  // One loop, no entry arrays; no prototype, so a `__proto__` key stays an own member as fromEntries kept it.
  const sorted: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(source).sort()) {
    const member = source[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}
