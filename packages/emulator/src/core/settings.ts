import type { EmulatorSettings } from '../families/family.js';
import type { RateLimitSettings } from '../wire/rate-limit.js';

/** Signature probes (spec §2.4): a share of signed responses and first notification attempts carry a bad one. */
export interface ProbeSettings {
  enabled: boolean;
  /** 0…1: the share of signed messages that get a `WECHATPAY/SIGNTEST/` signature while enabled. */
  fraction: number;
}

/** Everything a test may change at run time (`POST /_emulator/settings`); one shared, mutable object. */
export interface RuntimeSettings extends EmulatorSettings {
  probe: ProbeSettings;
  rateLimits: RateLimitSettings;
}

/** `probe: true` in the options means this share of messages. */
export const DEFAULT_PROBE_FRACTION = 0.1;
/** Delay of each automatic system step unless configured. */
export const DEFAULT_ASYNC_STEP_MS = 2000;

export function rollProbe(probe: ProbeSettings): boolean {
  return probe.enabled && probe.fraction > 0 && Math.random() < probe.fraction;
}
