const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Epoch ms → RFC 3339 in China Standard Time with milliseconds, as the official examples write times
 * (`2015-05-20T13:29:35.120+08:00`, seeds 000/001/004). Clients must accept both forms (spec §0).
 */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms))
    throw new RangeError(`formatTime: expected epoch milliseconds, got ${String(ms)}`);
  // Shift the instant so that its UTC fields read as Beijing wall time, then label it +08:00.
  const shifted = new Date(Math.floor(ms) + CHINA_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 23)}+08:00`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 (any offset, optional fraction) → epoch ms; undefined when the text is not RFC 3339. */
export function parseTime(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
