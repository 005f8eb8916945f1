const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Epoch ms → RFC 3339 in China Standard Time, as WeChat Pay emits times: `2026-11-22T18:59:21+08:00`. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms))
    throw new RangeError(`formatTime: expected epoch milliseconds, got ${String(ms)}`);
  // Shift the instant so that its UTC fields read as Beijing wall time, then label it +08:00.
  const shifted = new Date(Math.floor(ms / 1000) * 1000 + CHINA_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 (any offset, optional fraction) → epoch ms; undefined when the text is not RFC 3339. */
export function parseTime(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
