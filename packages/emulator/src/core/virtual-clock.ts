import type { Database } from '../families/family.js';
import type { Clock } from './clock.js';

export type ClockMode = 'real' | 'manual';

export interface VirtualClockOptions {
  /** `real` (default): wall time plus an offset that grows with each advance. `manual`: moves only when told. */
  mode?: ClockMode;
  /** Epoch ms to start at. Ignored when a stored virtual time is already later (time never runs backwards). */
  start?: number;
  /** Where the offset / instant is kept so virtual time survives a restart (the `meta` table). */
  db?: Database;
  /** The wall clock; injectable for tests. */
  wallNow?: () => number;
}

export interface ClockSnapshot {
  mode: ClockMode;
  now: number;
  /** Virtual minus wall time, ms. */
  offsetMs: number;
}

type Listener = (now: number) => void;

interface StoredClock {
  mode: ClockMode;
  /** real mode: virtual − wall. */
  offsetMs: number;
  /** manual mode: the frozen instant. */
  instantMs: number;
}

const META_KEY = 'clock';

/**
 * The latest virtual time: 9999-01-01T00:00:00+08:00. Every time the emulator emits is RFC 3339 with a four-digit
 * year, and the year before the end of year 9999 leaves room for the longest timer (30 days) set at this instant.
 */
export const MAX_VIRTUAL_TIME_MS = Date.parse('9999-01-01T00:00:00+08:00');
/** The earliest: 1970-01-01T00:00:00Z (times are epoch ms, and WeChat Pay has none before that). */
export const MIN_VIRTUAL_TIME_MS = 0;
/** The longest single advance: 100 years of 365.25 days. A longer one is a typo (seconds given as ms). */
export const MAX_ADVANCE_MS = 100 * 365.25 * 24 * 60 * 60 * 1000;

/** Why `ms` cannot be a virtual time, or undefined when it can. */
export function virtualTimeProblem(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return `expected epoch milliseconds, got ${String(ms)}`;
  if (ms < MIN_VIRTUAL_TIME_MS || ms > MAX_VIRTUAL_TIME_MS) {
    return `${ms} ms is outside the emulator's time range, ${new Date(MIN_VIRTUAL_TIME_MS).toISOString()} to 9999-01-01T00:00:00+08:00`;
  }
  return undefined;
}

/** Refuses an advance of `ms` before anything moves: negative, not finite, longer than MAX_ADVANCE_MS. */
export function assertAdvance(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`advance: ms must be a finite number ≥ 0, got ${String(ms)}`);
  if (ms > MAX_ADVANCE_MS)
    throw new RangeError(
      `advance: at most ${MAX_ADVANCE_MS} ms (100 years) at a time, got ${ms} ms; advance in steps if you mean it`,
    );
}

/** The emulator's one clock. Every change is persisted and then announced to the listeners. */
export class VirtualClock implements Clock {
  readonly mode: ClockMode;
  readonly #wallNow: () => number;
  readonly #db: Database | undefined;
  readonly #listeners = new Set<Listener>();
  #offsetMs = 0;
  #instantMs = 0;
  /** The stored virtual time that was out of range and replaced at construction, if any (for a warning). */
  readonly recoveredFrom: number | undefined;

  constructor(options: VirtualClockOptions = {}) {
    this.mode = options.mode ?? 'real';
    this.#wallNow = options.wallNow ?? Date.now;
    this.#db = options.db;
    const wall = this.#wallNow();
    if (options.start !== undefined) {
      const problem = virtualTimeProblem(options.start);
      if (problem) throw new RangeError(`clock.start: ${problem}`);
    }
    const stored = this.#load();
    // A stored virtual time wins unless the caller asks for a later one: timers already due stay due.
    let storedNow = stored
      ? stored.mode === 'manual'
        ? stored.instantMs
        : wall + stored.offsetMs
      : undefined;
    // A time out of range (saved by a version that let an advance run past it) would fail every request that
    // formats a time: start again from the start option or wall time instead, as on a fresh data folder.
    if (storedNow !== undefined && virtualTimeProblem(storedNow) !== undefined) {
      this.recoveredFrom = storedNow;
      storedNow = undefined;
    }
    const start = Math.max(options.start ?? storedNow ?? wall, storedNow ?? Number.NEGATIVE_INFINITY);
    if (this.mode === 'manual') this.#instantMs = start;
    else this.#offsetMs = start - wall;
    this.#save();
  }

  now(): number {
    return this.mode === 'manual' ? this.#instantMs : this.#wallNow() + this.#offsetMs;
  }

  snapshot(): ClockSnapshot {
    const now = this.now();
    return { mode: this.mode, now, offsetMs: now - this.#wallNow() };
  }

  /** Moves virtual time forward by `ms` (0 … MAX_ADVANCE_MS) and returns the new now. */
  advance(ms: number): number {
    assertAdvance(ms);
    return this.set(this.now() + ms);
  }

  /**
   * Moves virtual time forward to `ms` (epoch, at most MAX_VIRTUAL_TIME_MS); an earlier or out-of-range time is
   * refused before anything changes.
   */
  set(ms: number): number {
    const now = this.now();
    const problem = virtualTimeProblem(ms);
    if (problem) throw new RangeError(`clock.set: ${problem}`);
    if (ms < now) {
      throw new RangeError(
        `clock.set: virtual time only moves forward; ${new Date(ms).toISOString()} is before now (${new Date(now).toISOString()})`,
      );
    }
    if (this.mode === 'manual') this.#instantMs = ms;
    else this.#offsetMs += ms - now;
    this.#save();
    const next = this.now();
    for (const listener of this.#listeners) listener(next);
    return next;
  }

  /**
   * Puts virtual time back to `ms` (default: the wall clock's now), earlier or later: the one way time moves
   * backwards, for `POST /_emulator/reset` once every timer and notification is gone.
   */
  reset(ms: number = this.#wallNow()): number {
    if (!Number.isFinite(ms))
      throw new RangeError(`clock.reset: expected epoch milliseconds, got ${String(ms)}`);
    if (this.mode === 'manual') this.#instantMs = ms;
    else this.#offsetMs = ms - this.#wallNow();
    this.#save();
    const next = this.now();
    for (const listener of this.#listeners) listener(next);
    return next;
  }

  /** Called after every change with the new now; returns the unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #load(): StoredClock | undefined {
    const row = this.#db?.prepare('SELECT value FROM meta WHERE key = ?').get(META_KEY) as
      | { value: string }
      | undefined;
    return row ? (JSON.parse(row.value) as StoredClock) : undefined;
  }

  #save(): void {
    const stored: StoredClock = { mode: this.mode, offsetMs: this.#offsetMs, instantMs: this.#instantMs };
    this.#db
      ?.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(META_KEY, JSON.stringify(stored));
  }
}
