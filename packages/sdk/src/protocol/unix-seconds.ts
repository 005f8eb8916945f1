/** Epoch milliseconds (a clock's reading, `Date.now()` by default) → Unix seconds, as WeChat Pay timestamps are. */
export function unixSeconds(epochMs: number = Date.now()): number {
  return Math.floor(epochMs / 1000);
}
