import type { Database, EmulatorSettings } from '../families/family.js';
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

const META_KEY = 'settings';

/**
 * The settings last saved in this data folder (`meta`), or undefined. Read field by field, so a row written by an
 * older version (fewer fields) still gives what it has, and an unreadable one gives nothing.
 */
export function loadStoredSettings(db: Database): Partial<RuntimeSettings> | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(META_KEY) as
    | { value: string }
    | undefined;
  if (!row) return undefined;
  try {
    const stored = JSON.parse(row.value) as Partial<RuntimeSettings>;
    return typeof stored === 'object' && stored !== null ? stored : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Saves the settings named in `changed` (the fields a `POST /_emulator/settings` body gave), as they now are,
 * over the ones saved before: they survive a restart and a reset (which keeps `meta`). Settings that only came
 * from start options are not saved, so a flag given to one start does not stick to the next.
 */
export function saveSettings(
  db: Database,
  settings: RuntimeSettings,
  changed: readonly (keyof RuntimeSettings)[],
): void {
  const saved: Record<string, unknown> = { ...loadStoredSettings(db) };
  for (const key of changed) saved[key] = settings[key];
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(META_KEY, JSON.stringify(saved));
}
