import type { Logger } from 'pino';
import { runInTransaction } from '../db/transaction.js';
import type { Database, DueTimer, FamilyDeps, FamilyModule } from '../families/family.js';
import { assertAdvance, type VirtualClock, virtualTimeProblem } from './virtual-clock.js';

/** The part of the notification DeliveryWorker the scheduler drives. */
export interface DueWork {
  /** Starts the attempts due now, as far as the concurrency bounds allow, without waiting for answers. */
  dispatchDue(): Array<Promise<unknown>>;
  /** Earliest due time of a notification with no attempt in flight. */
  nextDueAt(): number | undefined;
  /** Earliest due time of a notification strictly after `after` (virtual ms). */
  nextDueAfter(after: number): number | undefined;
  /** Resolves true when an attempt in flight settles, false at `deadline` (performance.now() ms). */
  waitForSettle(deadline: number): Promise<boolean>;
  inFlight(): Array<{ id: number; url: string; dueAt: number }>;
  /** Scheduled attempts made so far (a counter). */
  readonly attemptsMade: number;
  /** Abandons the attempts in flight and starts none until the returned function is called. */
  pause(): () => void;
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
  /** Notification attempts made (answered, timed out or refused) during the run. */
  notificationAttempts: number;
  /**
   * Attempts still waiting for the merchant's answer when the run returned (a clock advance waits at most
   * `advanceWaitMs` for them): their outcome is recorded when it comes, and retries follow from there.
   */
  inFlight: Array<{ id: number; url: string; dueAt: number }>;
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
  /**
   * Longest real time a clock advance waits with no notification answering (default 2000 ms): a merchant that
   * never answers delays an advance by about this much, and its attempt is reported as still in flight.
   */
  advanceWaitMs?: number;
}

export const DEFAULT_ADVANCE_WAIT_MS = 2000;
/** All the waiting of one advance for answers: at most this many times advanceWaitMs. */
export const MAX_ADVANCE_WAIT_FACTOR = 15;

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

/** Another connection holds the write lock: the work is still to do, on a later run. */
function isLockContention(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Runs whatever is due: durable timers (each in one transaction with its family handler) and notification
 * attempts. Runs are serialised. It wakes when real time passes (a timer capped at maxSleepMs, unref'd), when
 * woken after a request, and when the clock is advanced: `advanceTo` steps the virtual clock from one due time to
 * the next, so a timer sees `now` equal to its due time and retries fall where they belong. Within one step,
 * due timers go first and attempts are made a few at a time in between, so a timer never waits behind a queue
 * of merchants that do not answer.
 */
export class Scheduler {
  readonly #deps: SchedulerDeps;
  readonly #maxSleepMs: number;
  readonly #advanceWaitMs: number;
  readonly #nextTimer;
  readonly #nextTimerAfter;
  readonly #pendingTimer;
  readonly #markDone;
  readonly #markFailed;
  #chain: Promise<unknown> = Promise.resolve();
  #sleeper: NodeJS.Timeout | undefined;
  #wakePending = false;
  /** A pass is queued behind the run in progress and has not started yet. */
  #passQueued = false;
  #started = false;
  #stopped = false;
  /** False after a run that found work due but could not do it (e.g. an attempt locked by a redelivery). */
  #productive = true;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
    this.#maxSleepMs = deps.maxSleepMs ?? 1000;
    this.#advanceWaitMs = deps.advanceWaitMs ?? DEFAULT_ADVANCE_WAIT_MS;
    if (!(this.#advanceWaitMs >= 0))
      throw new RangeError(`advanceWaitMs must be a number of ms ≥ 0, got ${this.#advanceWaitMs}`);
    this.#nextTimer = deps.db.prepare(
      `SELECT id, family, kind, ref, due_at, payload FROM timers
       WHERE state = 'pending' ORDER BY due_at, id LIMIT 1`,
    );
    this.#nextTimerAfter = deps.db.prepare(
      `SELECT due_at FROM timers WHERE state = 'pending' AND due_at > ? ORDER BY due_at LIMIT 1`,
    );
    this.#pendingTimer = deps.db.prepare(
      `SELECT id, family, kind, ref, due_at, payload FROM timers WHERE id = ? AND state = 'pending'`,
    );
    this.#markDone = deps.db.prepare(
      `UPDATE timers SET state = 'done', fired_at = ? WHERE id = ? AND state = 'pending'`,
    );
    this.#markFailed = deps.db.prepare(
      `UPDATE timers SET state = 'failed', fired_at = ?, error = ? WHERE id = ? AND state = 'pending'`,
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
      // Behind a long run (an advance waiting for answers) one queued pass does for every wake meanwhile.
      if (this.#stopped || this.#passQueued) return;
      this.#passQueued = true;
      void this.#tick();
    });
  }

  /**
   * Runs everything due at the current virtual time and waits for the notification answers (and for the retries
   * that fall due meanwhile). Timers and other runs do not wait behind those answers.
   */
  async runDue(): Promise<RunReport> {
    const made = this.#deps.worker.attemptsMade;
    const report: RunReport = { timers: [], notificationAttempts: 0, inFlight: [] };
    for (;;) {
      await this.#tick(report);
      if (this.#stopped || this.#deps.worker.inFlight().length === 0) break;
      await this.#deps.worker.waitForSettle(Number.POSITIVE_INFINITY);
    }
    report.notificationAttempts = this.#deps.worker.attemptsMade - made;
    report.inFlight = this.#deps.worker.inFlight();
    return report;
  }

  /** One serialised pass: fires the due timers and starts the due attempts, without waiting for answers. */
  #tick(report: RunReport = { timers: [], notificationAttempts: 0, inFlight: [] }): Promise<void> {
    return this.#serial(async () => {
      this.#passQueued = false;
      this.#productive = true;
      const ran = this.#runDueNow(report);
      const next = this.#earliestDue();
      if (!ran && next !== undefined && next <= this.#deps.clock.now()) this.#productive = false;
    });
  }

  /**
   * Moves the clock forward to `target` (epoch ms), running every timer and attempt due on the way, in order.
   * A target already passed (real time moves on while a request waits) just runs what is due now.
   */
  advanceTo(target: number): Promise<RunReport & { now: number }> {
    return this.#serial(() => {
      checkedTarget(target);
      return this.#advance(() => target);
    });
  }

  /**
   * Moves the clock forward by `ms`, counted when the advance runs: in real mode, time spent waiting behind a
   * run in progress must not eat into the advance.
   */
  advanceBy(ms: number): Promise<RunReport & { now: number }> {
    assertAdvance(ms);
    return this.#serial(() => {
      const { clock } = this.#deps;
      const start = clock.snapshot();
      checkedTarget(start.now + ms);
      // In real mode the advance adds `ms` to the offset from wall time, however long it waits for answers.
      const target =
        clock.mode === 'manual'
          ? () => start.now + ms
          : () => clock.now() - clock.snapshot().offsetMs + start.offsetMs + ms;
      return this.#advance(target);
    });
  }

  /**
   * Runs `task` with nothing else due running beside it: after the run in progress, with the deliveries in
   * flight abandoned (they stay due) and none started until it is done. For resets.
   */
  exclusive<T>(task: () => T): Promise<T> {
    const resume = this.#deps.worker.pause();
    return this.#serial(async () => task()).finally(resume);
  }

  /** Stops waking up and waits for the run in progress, which stops at its next step. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#sleeper) clearTimeout(this.#sleeper);
    await this.#chain.catch(() => undefined);
  }

  /**
   * Steps the clock from one due time to the next up to `target`. At each step the due timers fire and the due
   * attempts start; the step waits for their answers before moving on. When advanceWaitMs pass without any answer,
   * the attempts in flight are no longer waited for (a receiver that never answers costs the advance that once),
   * and all waiting of one advance stops after MAX_ADVANCE_WAIT_FACTOR × advanceWaitMs. What is still in flight is
   * reported; its outcome is recorded when it comes (retries count from the attempt's scheduled time).
   */
  async #advance(targetNow: () => number): Promise<RunReport & { now: number }> {
    const { clock, worker } = this.#deps;
    const made = worker.attemptsMade;
    const report: RunReport = { timers: [], notificationAttempts: 0, inFlight: [] };
    // Attempts that went advanceWaitMs without an answer: not waited for again in this advance.
    const givenUp = new Set<number>();
    const waitingFor = () => worker.inFlight().filter((attempt) => !givenUp.has(attempt.id));
    const overall = performance.now() + MAX_ADVANCE_WAIT_FACTOR * this.#advanceWaitMs;
    this.#productive = true;
    // The wait restarts when an attempt is answered or new work starts, not when an attempt merely goes slow (the
    // worker then frees its place in the overall bound and wakes us to start others).
    let quietSince = performance.now();
    let answered = worker.attemptsMade;
    for (let step = 0; step < MAX_STEPS_PER_RUN && !this.#stopped; step++) {
      const ran = this.#runDueNow(report);
      if (ran || worker.attemptsMade !== answered) {
        answered = worker.attemptsMade;
        quietSince = performance.now();
      }
      const pending = waitingFor();
      if (pending.length > 0 && performance.now() < overall) {
        const settled = await worker.waitForSettle(Math.min(overall, quietSince + this.#advanceWaitMs));
        if (!settled) for (const attempt of pending) givenUp.add(attempt.id);
        continue;
      }
      const now = clock.now();
      let next = this.#earliestDue();
      if (next !== undefined && next <= now && ran) continue;
      // Due now and yet nothing started: its destination is at its bound. Step on to the next due time after
      // now, so that what falls due on the way (timers above all) still runs at its own time.
      if (next !== undefined && next <= now) next = this.#earliestDueAfter(now);
      const target = targetNow();
      if (next !== undefined && next > now && next <= target) clock.set(next);
      else if (now < target) clock.set(target);
      else break;
    }
    report.notificationAttempts = worker.attemptsMade - made;
    report.inFlight = worker.inFlight();
    return { ...report, now: clock.now() };
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.catch((error) => this.#deps.logger.error({ err: error }, 'scheduler run failed'));
    void this.#chain.then(() => this.#arm());
    return run;
  }

  #earliestDueAfter(after: number): number | undefined {
    const timer = this.#nextTimerAfter.get(after) as { due_at: number } | undefined;
    const attempt = this.#deps.worker.nextDueAfter(after);
    if (timer === undefined) return attempt;
    return attempt === undefined ? timer.due_at : Math.min(timer.due_at, attempt);
  }

  #earliestDue(): number | undefined {
    const timer = this.#nextTimer.get() as TimerRow | undefined;
    const attempt = this.#deps.worker.nextDueAt();
    if (timer === undefined) return attempt;
    return attempt === undefined ? timer.due_at : Math.min(timer.due_at, attempt);
  }

  /**
   * Everything due now: every due timer first (they are quick, and a timer may queue an attempt due at once), then
   * the due attempts are started (not awaited). False if nothing ran or started.
   */
  #runDueNow(report: RunReport): boolean {
    let ranAnything = false;
    for (let step = 0; step < MAX_STEPS_PER_RUN && !this.#stopped; step++) {
      const now = this.#deps.clock.now();
      const timer = this.#nextTimer.get() as TimerRow | undefined;
      if (!timer || timer.due_at > now) break;
      const fired = this.#fire(timer, now);
      // Locked by another connection: leave it (and what is due after it) to a later, slower-paced run.
      if (fired === 'locked') {
        this.#productive = false;
        return ranAnything;
      }
      if (fired) report.timers.push(fired);
      ranAnything = true;
    }
    if (this.#stopped) return ranAnything;
    return this.#deps.worker.dispatchDue().length > 0 || ranAnything;
  }

  /**
   * Fires one timer in one transaction with its handler. The row is read again inside the transaction and only
   * a pending row is fired and marked. Undefined: it was no longer pending; `locked`: the database was busy, the
   * timer stays pending for a later run.
   */
  #fire(row: TimerRow, now: number): TimerRun | 'locked' | undefined {
    const { db, families, familyDeps, logger } = this.#deps;
    const run: TimerRun = {
      id: row.id,
      family: row.family,
      kind: row.kind,
      ref: row.ref,
      dueAt: row.due_at,
      outcome: 'done',
    };
    try {
      const fired = runInTransaction(db, () => {
        const pending = this.#pendingTimer.get(row.id) as TimerRow | undefined;
        if (!pending) return false;
        const handler = families.find((f) => f.family === pending.family)?.timers[pending.kind];
        if (!handler) throw new Error(`no timer handler ${pending.family}.${pending.kind}`);
        handler(familyDeps, dueTimer(pending));
        this.#markDone.run(now, pending.id);
        return true;
      });
      return fired ? run : undefined;
    } catch (error) {
      if (isLockContention(error)) {
        logger.warn({ err: error, timer: run }, 'timer not fired: the database is locked; retrying later');
        return 'locked';
      }
      // A handler's refusal or a bug: its writes were rolled back; the timer is kept, marked failed, so it is
      // visible and not retried.
      run.outcome = 'failed';
      run.error = error instanceof Error ? error.message : String(error);
      try {
        this.#markFailed.run(now, run.error, row.id);
      } catch (markError) {
        if (isLockContention(markError)) return 'locked';
        throw markError;
      }
      logger.error({ err: error, timer: run }, 'timer handler failed');
      return run;
    }
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
      if (!this.#stopped) void this.#tick();
    }, delay);
    this.#sleeper.unref();
  }
}

/** Checked before the clock moves at all, so a refused advance leaves everything as it was. */
function checkedTarget(target: number): number {
  const problem = virtualTimeProblem(target);
  if (problem) throw new RangeError(`advance: ${problem}`);
  return target;
}

function dueTimer(row: TimerRow): DueTimer {
  return {
    id: row.id,
    family: row.family as DueTimer['family'],
    kind: row.kind,
    ref: row.ref,
    dueAt: row.due_at,
    ...(row.payload === null ? {} : { payload: JSON.parse(row.payload) as Record<string, unknown> }),
  };
}
