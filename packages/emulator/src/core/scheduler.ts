import type { Logger } from 'pino';
import { runInTransaction } from '../db/transaction.js';
import type { Database, DueTimer, FamilyDeps, FamilyModule } from '../families/family.js';
import type { VirtualClock } from './virtual-clock.js';

/** The part of the notification DeliveryWorker the scheduler drives. */
export interface DueWork {
  runDue(): Promise<number>;
  nextDueAt(): number | undefined;
}

export interface TimerRun {
  id: number;
  family: string;
  kind: string;
  ref: string;
  dueAt: number;
  outcome: 'done' | 'failed';
  error?: string;
}

/** What one run (or one clock advance) did. */
export interface RunReport {
  timers: TimerRun[];
  notificationAttempts: number;
}

export interface SchedulerDeps {
  db: Database;
  clock: VirtualClock;
  families: readonly FamilyModule[];
  familyDeps: FamilyDeps;
  worker: DueWork;
  logger: Logger;
  /** Longest real-time sleep between checks. */
  maxSleepMs?: number;
}

interface TimerRow {
  id: number;
  family: string;
  kind: string;
  ref: string;
  due_at: number;
  payload: string | null;
}

// A family that keeps scheduling timers already due would otherwise spin forever inside one run.
const MAX_STEPS_PER_RUN = 100_000;

/**
 * Runs whatever is due: durable timers (each in one transaction with its family handler) and notification
 * attempts, in due order. Runs are serialised. It wakes when real time passes (a timer capped at maxSleepMs,
 * unref'd), when woken after a request, and when the clock is advanced: `advanceTo` steps the virtual clock from
 * one due time to the next, so a timer sees `now` equal to its due time and retries fall where they belong.
 */
export class Scheduler {
  readonly #deps: SchedulerDeps;
  readonly #maxSleepMs: number;
  readonly #nextTimer;
  readonly #markDone;
  readonly #markFailed;
  #chain: Promise<unknown> = Promise.resolve();
  #sleeper: NodeJS.Timeout | undefined;
  #wakePending = false;
  #started = false;
  #stopped = false;
  /** False after a run that found work due but could not do it (e.g. an attempt locked by a redelivery). */
  #productive = true;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
    this.#maxSleepMs = deps.maxSleepMs ?? 1000;
    this.#nextTimer = deps.db.prepare(
      `SELECT id, family, kind, ref, due_at, payload FROM timers
       WHERE state = 'pending' ORDER BY due_at, id LIMIT 1`,
    );
    this.#markDone = deps.db.prepare(`UPDATE timers SET state = 'done', fired_at = ? WHERE id = ?`);
    this.#markFailed = deps.db.prepare(
      `UPDATE timers SET state = 'failed', fired_at = ?, error = ? WHERE id = ?`,
    );
  }

  /** Starts the real-time loop; whatever came due while the emulator was down runs now. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#unsubscribe = this.#deps.clock.onChange(() => this.#arm());
    this.wake();
  }

  /** Runs what is due soon (after a request that may have queued a notification or a timer). */
  wake(): void {
    if (this.#stopped || this.#wakePending) return;
    this.#wakePending = true;
    setImmediate(() => {
      this.#wakePending = false;
      if (!this.#stopped) void this.runDue();
    });
  }

  /** Runs everything due at the current virtual time. */
  runDue(): Promise<RunReport> {
    return this.#serial(async () => {
      const report: RunReport = { timers: [], notificationAttempts: 0 };
      const ran = await this.#runDueNow(report);
      const next = this.#earliestDue();
      this.#productive = ran || next === undefined || next > this.#deps.clock.now();
      return report;
    });
  }

  /**
   * Moves the clock forward to `target` (epoch ms), running every timer and attempt due on the way, in order.
   * A target already passed (real time moves on while a request waits) just runs what is due now.
   */
  advanceTo(target: number): Promise<RunReport & { now: number }> {
    return this.#serial(async () => {
      const { clock } = this.#deps;
      if (!Number.isFinite(target))
        throw new RangeError(`advanceTo: expected epoch ms, got ${String(target)}`);
      const report: RunReport = { timers: [], notificationAttempts: 0 };
      for (let step = 0; step < MAX_STEPS_PER_RUN; step++) {
        const next = this.#earliestDue();
        if (next === undefined || next > target) break;
        if (next > clock.now()) clock.set(next);
        if (!(await this.#runDueNow(report))) break;
      }
      if (target > clock.now()) clock.set(target);
      await this.#runDueNow(report);
      return { ...report, now: clock.now() };
    });
  }

  advanceBy(ms: number): Promise<RunReport & { now: number }> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`advance: ms must be a finite number ≥ 0, got ${String(ms)}`);
    return this.advanceTo(this.#deps.clock.now() + ms);
  }

  /** Stops waking up and waits for the run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#sleeper) clearTimeout(this.#sleeper);
    await this.#chain.catch(() => undefined);
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.catch((error) => this.#deps.logger.error({ err: error }, 'scheduler run failed'));
    void this.#chain.then(() => this.#arm());
    return run;
  }

  #earliestDue(): number | undefined {
    const timer = this.#nextTimer.get() as TimerRow | undefined;
    const attempt = this.#deps.worker.nextDueAt();
    if (timer === undefined) return attempt;
    return attempt === undefined ? timer.due_at : Math.min(timer.due_at, attempt);
  }

  /** Everything due now, timers first on ties (a timer may queue an attempt due at once). False if nothing ran. */
  async #runDueNow(report: RunReport): Promise<boolean> {
    let ranAnything = false;
    for (let step = 0; step < MAX_STEPS_PER_RUN; step++) {
      const now = this.#deps.clock.now();
      const timer = this.#nextTimer.get() as TimerRow | undefined;
      const attemptDue = this.#deps.worker.nextDueAt();
      if (timer && timer.due_at <= now && (attemptDue === undefined || timer.due_at <= attemptDue)) {
        report.timers.push(this.#fire(timer, now));
        ranAnything = true;
        continue;
      }
      if (attemptDue !== undefined && attemptDue <= now) {
        const attempts = await this.#deps.worker.runDue();
        report.notificationAttempts += attempts;
        if (attempts === 0) break;
        ranAnything = true;
        continue;
      }
      return ranAnything;
    }
    return ranAnything;
  }

  #fire(row: TimerRow, now: number): TimerRun {
    const { db, families, familyDeps, logger } = this.#deps;
    const timer: DueTimer = {
      id: row.id,
      family: row.family as DueTimer['family'],
      kind: row.kind,
      ref: row.ref,
      dueAt: row.due_at,
      ...(row.payload === null ? {} : { payload: JSON.parse(row.payload) as Record<string, unknown> }),
    };
    const run: TimerRun = {
      id: row.id,
      family: row.family,
      kind: row.kind,
      ref: row.ref,
      dueAt: row.due_at,
      outcome: 'done',
    };
    try {
      runInTransaction(db, () => {
        const handler = families.find((f) => f.family === row.family)?.timers[row.kind];
        if (!handler) throw new Error(`no timer handler ${row.family}.${row.kind}`);
        handler(familyDeps, timer);
        this.#markDone.run(now, row.id);
      });
    } catch (error) {
      // The handler's writes were rolled back; the timer is kept, marked failed, so it is visible and not retried.
      run.outcome = 'failed';
      run.error = error instanceof Error ? error.message : String(error);
      this.#markFailed.run(now, run.error, row.id);
      logger.error({ err: error, timer: run }, 'timer handler failed');
    }
    return run;
  }

  /** Sleeps until the next due time, at most maxSleepMs; a manual clock needs no sleeping, only advances. */
  #arm(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#sleeper) clearTimeout(this.#sleeper);
    const { clock } = this.#deps;
    const next = this.#earliestDue();
    const now = clock.now();
    if (clock.mode === 'manual' && (next === undefined || next > now)) return;
    // Work that is due but was not done last time is retried at the slow pace rather than in a tight loop.
    const due =
      next === undefined ? this.#maxSleepMs : Math.max(next - now, this.#productive ? 0 : this.#maxSleepMs);
    const delay = Math.min(due, this.#maxSleepMs);
    this.#sleeper = setTimeout(() => {
      if (!this.#stopped) void this.runDue();
    }, delay);
    this.#sleeper.unref();
  }
}
