/**
 * The emulator's only source of time. Every timeout (24 h authorizations, 7-day recharges, 30-day revokes,
 * notification retries) is measured on it, so tests can move time forward instead of waiting.
 */
export interface Clock {
  /** Virtual now, epoch milliseconds. */
  now(): number;
}
