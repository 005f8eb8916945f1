import { generateNonce, sealNotification } from '@wxpay-kit/sdk/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Database } from '../families/family.js';
import { newRequestId } from '../wire/request-id.js';
import type { ResponseSigner } from '../wire/response-signer.js';
import {
  type AttemptInput,
  type AttemptRecord,
  type DueEntry,
  earliestDue,
  earliestDueAfter,
  findDueFor,
  findNotification,
  listAttempts,
  listNotifications,
  type NotificationFilter,
  type NotificationRecord,
  type NotificationState,
  nextDestination,
  recordAttempt,
  saveBodyOnce,
} from './notification-store.js';
import { type PostOutcome, postNotification } from './post-notification.js';
import { delayBeforeAttemptMs } from './retry-schedule.js';

export type { AttemptRecord, NotificationRecord, NotificationState } from './notification-store.js';

export interface DeliveryWorkerDeps {
  db: Database;
  clock: Clock;
  /** The receiving merchant's APIv3 key. */
  apiV3KeyOf(mchid: string): string;
  /** Signs like a response (platform key). */
  signer: ResponseSigner;
  logger: Logger;
  /** True ⇒ the first attempt carries a WECHATPAY/SIGNTEST/ signature. */
  probeFirstAttempt: () => boolean;
  fetch?: typeof fetch;
  /** Default 5000: a merchant must answer within 5 s. */
  timeoutMs?: number;
  /** Attempts in flight at once, all destinations together (default 64). */
  concurrency?: number;
  /** Attempts in flight at once to one destination (scheme, host and port of the notify URL as written; default 8). */
  perDestination?: number;
  /**
   * An attempt not answered after this many ms (default 1000) stops counting toward `concurrency`, though it still
   * counts toward `perDestination`: merchants that never answer, however many, leave the overall bound to the
   * others. All attempts open at once, slow ones included, stay under OPEN_FACTOR × `concurrency`.
   */
  slowAfterMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_DELIVERY_CONCURRENCY = 64;
export const DEFAULT_DELIVERY_PER_DESTINATION = 8;
const DEFAULT_SLOW_AFTER_MS = 1000;
/** Open attempts (sockets) at most, slow ones included, as a multiple of `concurrency`. */
const OPEN_FACTOR = 4;

/** A scheduled attempt that has been sent and not yet answered (or timed out). */
export interface InFlightAttempt {
  id: number;
  url: string;
  /** Virtual ms the attempt was due. */
  dueAt: number;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`DeliveryWorker: ${name} must be an integer ≥ 1, got ${value}`);
  return value;
}

/** The merchant cannot be sent anything (no APIv3 key, unsealable resource): retrying cannot help. */
class NotSendableError extends Error {}

export type AttemptResult = 'made' | 'skipped' | 'abandoned';

/**
 * Delivers the outbox. All state is in SQLite, so a new worker on the same database resumes where a previous one
 * stopped; an attempt in flight at a crash was never recorded and is simply made again. So is an attempt the
 * worker abandons (on close() or pause()) before the merchant answered.
 *
 * Every network exchange happens outside any transaction; its result is recorded in one short transaction.
 * Attempts run concurrently, at most `concurrency` at once and `perDestination` to one destination (notify URL up
 * to its path), each destination's in due order, destinations taking turns. An attempt unanswered after
 * `slowAfterMs` no longer counts toward `concurrency`: a merchant that never answers holds only its own
 * `perDestination` slots and its own backlog, never anyone else's delivery, however many such merchants there are. Each notification
 * has a lock shared with redeliver(), so no notification ever has two attempts in flight. Two workers (processes)
 * on one database are not guarded against: the emulator runs one.
 */
export class DeliveryWorker {
  readonly #deps: DeliveryWorkerDeps;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #perDestinationBound: number;
  readonly #slowAfterMs: number;
  #closed = false;
  /** pause() calls not yet resumed. */
  #paused = 0;
  /** Aborted (and replaced) to abandon every exchange in flight. */
  #abandon = new AbortController();
  readonly #locks = new Map<number, Promise<unknown>>();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Scheduled attempts sent and not yet settled, by notification id. */
  readonly #scheduled = new Map<number, InFlightAttempt>();
  /** Scheduled attempts in flight, by destination. */
  readonly #perDestination = new Map<string, number>();
  /** The destination the last dispatch started an attempt for: the next one starts with the one after it. */
  #lastServed = '';
  /** Scheduled attempts in flight longer than slowAfterMs: not counted toward `concurrency`. */
  readonly #slow = new Set<number>();
  readonly #settledListeners = new Set<() => void>();
  #attemptsMade = 0;

  constructor(deps: DeliveryWorkerDeps) {
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new Error(
        `DeliveryWorker: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`,
      );
    }
    this.#deps = deps;
    this.#timeoutMs = timeoutMs;
    this.#concurrency = positiveInteger(deps.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY, 'concurrency');
    this.#perDestinationBound = positiveInteger(
      deps.perDestination ?? DEFAULT_DELIVERY_PER_DESTINATION,
      'perDestination',
    );
    const slowAfterMs = deps.slowAfterMs ?? DEFAULT_SLOW_AFTER_MS;
    if (!(slowAfterMs >= 0))
      throw new Error(`DeliveryWorker: slowAfterMs must be a number of ms ≥ 0, got ${slowAfterMs}`);
    this.#slowAfterMs = slowAfterMs;
    this.#fetch = deps.fetch ?? fetch;
  }

  /** Scheduled attempts made (answered, timed out or refused) since this worker started. */
  get attemptsMade(): number {
    return this.#attemptsMade;
  }

  /** The scheduled attempts sent and not yet settled. */
  inFlight(): InFlightAttempt[] {
    return [...this.#scheduled.values()];
  }

  /**
   * Called each time a scheduled attempt settles (so the scheduler can run what that made due), or goes slow
   * (which frees its place in the overall bound).
   */
  onSettled(listener: () => void): () => void {
    this.#settledListeners.add(listener);
    return () => this.#settledListeners.delete(listener);
  }

  /**
   * Starts the attempts due at clock.now(), as far as the bounds allow (at most `limit` of them), without waiting for
   * any answer; returns the attempts started, each resolving to what became of it. Each destination's attempts start
   * in due order; destinations take turns (the walk starts after the one served last), so none waits behind another.
   *
   * The queue is read per destination (one index seek each), never in one due-order scan: a destination at its
   * bound may have any number of notifications due ahead of everyone else's (a merchant that never answers piles
   * up a backlog), and a scan would read through all of them on every dispatch, or stop short of the others.
   * A dispatch reads one row per destination it visits, plus at most `perDestination` rows per destination served.
   */
  dispatchDue(limit = Number.POSITIVE_INFINITY): Array<Promise<AttemptResult>> {
    const started: Array<Promise<AttemptResult>> = [];
    if (this.#closed || this.#paused > 0) return started;
    const bound = this.#deps.clock.now();
    const open = this.#scheduled.size;
    let free = Math.min(
      this.#concurrency - (open - this.#slow.size),
      OPEN_FACTOR * this.#concurrency - open,
      limit,
    );
    const { db } = this.#deps;
    const after = (destination: string) => nextDestination(db, destination) ?? nextDestination(db, '');
    let head = free > 0 ? after(this.#lastServed) : undefined;
    const first = head?.destination;
    while (head && free > 0) {
      const busy = this.#perDestination.get(head.destination) ?? 0;
      const room = Math.min(this.#perDestinationBound - busy, free);
      if (head.nextDueAt <= bound && room > 0) {
        // This destination's attempts in flight are still due, and come first: read past them.
        const due = findDueFor(db, head.destination, bound, busy + room);
        for (const entry of due.filter((e) => !this.#scheduled.has(e.id)).slice(0, room)) {
          started.push(this.#start(entry, bound));
          free--;
          this.#lastServed = head.destination;
        }
      }
      head = after(head.destination);
      if (head?.destination === first) break;
    }
    return started;
  }

  /**
   * Makes the attempts due at clock.now() and waits for them (and for the retries they make due by then), at
   * most `limit` attempts; resolves to how many were made. Attempts already in flight are not made twice.
   */
  runDue(limit = Number.POSITIVE_INFINITY): Promise<number> {
    if (!(limit >= 1)) throw new RangeError(`DeliveryWorker.runDue: limit must be ≥ 1, got ${limit}`);
    return this.#runDue(limit);
  }

  async #runDue(limit: number): Promise<number> {
    const mine = new Set<Promise<AttemptResult>>();
    let made = 0;
    let stopped = false;
    for (;;) {
      if (!stopped) for (const attempt of this.dispatchDue(limit - made - mine.size)) mine.add(attempt);
      if (mine.size === 0) {
        // Due work held back by the bounds (slots taken by others' attempts) waits for a slot.
        const due = this.nextDueAt();
        const waiting = !stopped && made < limit && due !== undefined && due <= this.#deps.clock.now();
        if (!waiting || this.#scheduled.size === 0 || this.#closed || this.#paused > 0) break;
        await this.waitForSettle(Number.POSITIVE_INFINITY);
        continue;
      }
      // An attempt of another run settling, or one going slow, may free a slot: dispatch again then too.
      const slotFreed = new Promise<undefined>((resolve) => {
        const unsubscribe = this.onSettled(() => {
          unsubscribe();
          resolve(undefined);
        });
      });
      const settled = await Promise.race([
        ...[...mine].map((p) => p.then((r) => ({ attempt: p, result: r }))),
        slotFreed,
      ]);
      if (!settled) continue;
      const { attempt, result } = settled;
      mine.delete(attempt);
      if (result === 'made') made++;
      if (result === 'abandoned') stopped = true;
    }
    return made;
  }

  /**
   * Resolves true when a scheduled attempt in flight settles or goes slow (see onSettled), false at `deadline`
   * (performance.now() ms).
   */
  waitForSettle(deadline: number): Promise<boolean> {
    if (this.#scheduled.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (settled: boolean) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(settled);
      };
      const timer = setTimeout(() => finish(false), Math.max(0, deadline - performance.now()));
      const unsubscribe = this.onSettled(() => finish(true));
    });
  }

  #start(entry: DueEntry, bound: number): Promise<AttemptResult> {
    const { destination } = entry;
    this.#scheduled.set(entry.id, { id: entry.id, url: entry.url, dueAt: entry.nextDueAt });
    this.#perDestination.set(destination, (this.#perDestination.get(destination) ?? 0) + 1);
    const attempt = this.#track(this.#withLock(entry.id, () => this.#scheduledAttempt(entry.id, bound)));
    const slow = setTimeout(() => {
      if (!this.#scheduled.has(entry.id)) return;
      this.#slow.add(entry.id);
      for (const listener of this.#settledListeners) listener();
    }, this.#slowAfterMs);
    slow.unref();
    const settle = (result: AttemptResult) => {
      clearTimeout(slow);
      this.#slow.delete(entry.id);
      this.#scheduled.delete(entry.id);
      const left = (this.#perDestination.get(destination) ?? 1) - 1;
      if (left === 0) this.#perDestination.delete(destination);
      else this.#perDestination.set(destination, left);
      if (result === 'made') this.#attemptsMade++;
      for (const listener of this.#settledListeners) listener();
      return result;
    };
    return attempt.then(settle, (error: unknown) => {
      this.#deps.logger.error({ err: error, notification: entry.id }, 'notification attempt crashed');
      return settle('skipped');
    });
  }

  /**
   * Abandons the attempts in flight (they are not logged and stay due) and starts no scheduled attempt or
   * redelivery until the returned function is called: for work that must not interleave with deliveries, such
   * as a reset.
   */
  pause(): () => void {
    this.#paused++;
    this.#abandonInFlight();
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      this.#paused--;
    };
  }

  /** Earliest due time (virtual ms) of a pending notification that has no attempt in flight, for the scheduler. */
  nextDueAt(): number | undefined {
    const rows = earliestDue(this.#deps.db, this.#scheduled.size + 1);
    return rows.find((row) => !this.#scheduled.has(row.id))?.nextDueAt;
  }

  /** Earliest due time of a pending notification strictly after `after` (an attempt in flight is due already). */
  nextDueAfter(after: number): number | undefined {
    return earliestDueAfter(this.#deps.db, after);
  }

  /**
   * One extra attempt now, logged, whatever the state. A 2xx makes a pending or failed notification delivered
   * (and ends its schedule); a failure changes nothing, so a delivered notification stays delivered.
   */
  redeliver(id: number): Promise<AttemptRecord> {
    if (this.#closed) return Promise.reject(new Error('DeliveryWorker.redeliver: the worker is closed'));
    if (this.#paused > 0) {
      return Promise.reject(
        new Error('DeliveryWorker.redeliver: deliveries are paused (a reset is running)'),
      );
    }
    if (!Number.isSafeInteger(id) || id <= 0) {
      return Promise.reject(new Error(`DeliveryWorker.redeliver: id must be a positive integer, got ${id}`));
    }
    if (!findNotification(this.#deps.db, id)) {
      return Promise.reject(new Error(`DeliveryWorker.redeliver: no notification with id ${id}`));
    }
    return this.#track(this.#withLock(id, () => this.#redeliverNow(id)));
  }

  list(filter: NotificationFilter = {}): NotificationRecord[] {
    return listNotifications(this.#deps.db, filter);
  }

  get(id: number): (NotificationRecord & { attempts: AttemptRecord[] }) | undefined {
    const notification = findNotification(this.#deps.db, id);
    return notification && { ...notification, attempts: listAttempts(this.#deps.db, id) };
  }

  /**
   * Stops taking work, abandons the attempts in flight (a merchant that never answers must not hold up a
   * shutdown) and waits for them to end. Abandoned attempts are not logged: they are made again after a restart.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#abandonInFlight();
    await Promise.allSettled([...this.#inFlight]);
  }

  #abandonInFlight(): void {
    this.#abandon.abort();
    this.#abandon = new AbortController();
  }

  async #scheduledAttempt(id: number, bound: number): Promise<AttemptResult> {
    if (this.#closed || this.#paused > 0) return 'abandoned';
    // Re-read under the lock: a redelivery may have delivered it since it was picked.
    const notification = findNotification(this.#deps.db, id);
    if (
      notification?.state !== 'pending' ||
      notification.nextDueAt === null ||
      notification.nextDueAt > bound
    ) {
      return 'skipped';
    }
    const scheduledAt = notification.nextDueAt;
    const attempt = notification.attemptsMade + 1;
    // Probes only ever replace the first delivery, never a retry (spec §2.4).
    const probe = attempt === 1 && this.#deps.probeFirstAttempt();
    const outcome = await this.#send(notification, probe);
    if (outcome.abandoned) return 'abandoned';
    const nextDelay = delayBeforeAttemptMs(notification.retrySchedule, attempt + 1);
    const next: { state: NotificationState; nextDueAt: number | null } = outcome.ok
      ? { state: 'delivered', nextDueAt: null }
      : outcome.terminal || nextDelay === undefined
        ? { state: 'failed', nextDueAt: null }
        : { state: 'pending', nextDueAt: scheduledAt + nextDelay };
    const record = recordAttempt(
      this.#deps.db,
      this.#attemptInput(notification, outcome, { kind: 'scheduled', scheduledAt, probe }),
      { ...next, countsAsScheduled: true },
    );
    if (!record) return 'skipped';
    this.#log(notification, record, next.state);
    return 'made';
  }

  async #redeliverNow(id: number): Promise<AttemptRecord> {
    const notification = findNotification(this.#deps.db, id);
    if (!notification) throw new Error(`DeliveryWorker.redeliver: no notification with id ${id}`);
    const requestedAt = this.#deps.clock.now();
    const outcome = await this.#send(notification, false);
    if (outcome.abandoned) {
      throw new Error(
        `DeliveryWorker.redeliver: notification ${id} was abandoned before the merchant answered (the emulator is closing or resetting)`,
      );
    }
    const next =
      outcome.ok && notification.state !== 'delivered'
        ? { state: 'delivered' as const, nextDueAt: null }
        : { state: notification.state, nextDueAt: notification.nextDueAt };
    const record = recordAttempt(
      this.#deps.db,
      this.#attemptInput(notification, outcome, {
        kind: 'redeliver',
        scheduledAt: requestedAt,
        probe: false,
      }),
      { ...next, countsAsScheduled: false },
    );
    if (!record) {
      throw new Error(
        `DeliveryWorker.redeliver: notification ${id} was removed (a reset) while it was being sent`,
      );
    }
    this.#log(notification, record, next.state);
    return record;
  }

  async #send(
    notification: NotificationRecord,
    probe: boolean,
  ): Promise<PostOutcome & { terminal: boolean; attemptedAt: number; requestId: string }> {
    const attemptedAt = this.#deps.clock.now();
    const requestId = newRequestId();
    // Taken now: abandoning later aborts this exchange, not the ones that start after it.
    const signal = this.#abandon.signal;
    let body: string;
    try {
      body = notification.body ?? saveBodyOnce(this.#deps.db, notification.id, this.#seal(notification));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        terminal: error instanceof NotSendableError,
        httpStatus: null,
        error: `not sent: ${reason}`,
        responseExcerpt: null,
        durationMs: 0,
        abandoned: false,
        attemptedAt,
        requestId,
      };
    }
    const signature = await this.#deps.signer.sign(body, probe ? { probe: true } : undefined);
    const outcome = await postNotification({
      fetch: this.#fetch,
      url: notification.url,
      body,
      headers: {
        'Content-Type': 'application/json',
        'Request-ID': requestId,
        'User-Agent': 'Mozilla/4.0',
        ...signature,
      },
      timeoutMs: this.#timeoutMs,
      signal,
    });
    return { ...outcome, terminal: false, attemptedAt, requestId };
  }

  /**
   * Sealed once, at the first attempt (the outbox has no keys), and stored: every attempt and redelivery then
   * sends the same bytes, ciphertext included; only the signature headers are fresh each time.
   */
  #seal(notification: NotificationRecord): string {
    let apiV3Key: string;
    try {
      apiV3Key = this.#deps.apiV3KeyOf(notification.mchid);
    } catch (error) {
      throw new NotSendableError(`merchant ${notification.mchid} has no APIv3 key (${describe(error)})`);
    }
    if (typeof apiV3Key !== 'string' || apiV3Key === '') {
      throw new NotSendableError(`merchant ${notification.mchid} has no APIv3 key`);
    }
    try {
      const envelope = sealNotification({
        id: notification.eventId,
        createTime: notification.createTime,
        eventType: notification.eventType,
        summary: notification.summary,
        originalType: notification.originalType,
        associatedData: notification.associatedData,
        resource: notification.resource,
        apiV3Key,
        nonce: generateNonce(12),
      });
      return JSON.stringify(envelope);
    } catch (error) {
      throw new NotSendableError(
        `cannot seal the notification for merchant ${notification.mchid}: ${describe(error)}`,
      );
    }
  }

  #attemptInput(
    notification: NotificationRecord,
    outcome: PostOutcome & { attemptedAt: number; requestId: string },
    how: { kind: 'scheduled' | 'redeliver'; scheduledAt: number; probe: boolean },
  ): AttemptInput {
    return {
      notificationId: notification.id,
      kind: how.kind,
      scheduledAt: how.scheduledAt,
      attemptedAt: outcome.attemptedAt,
      httpStatus: outcome.httpStatus,
      error: outcome.error,
      responseExcerpt: outcome.responseExcerpt,
      durationMs: outcome.durationMs,
      probe: how.probe,
      requestId: outcome.requestId,
      ok: outcome.ok,
    };
  }

  #log(notification: NotificationRecord, attempt: AttemptRecord, state: NotificationState): void {
    const fields = {
      notification: notification.id,
      eventId: notification.eventId,
      eventType: notification.eventType,
      mchid: notification.mchid,
      attempt: attempt.attemptNo,
      kind: attempt.kind,
      httpStatus: attempt.httpStatus,
      error: attempt.error,
      probe: attempt.probe,
      state,
    };
    if (attempt.ok && attempt.probe) {
      // A merchant that verifies signatures refuses a probe; accepting one means it does not verify.
      this.#deps.logger.warn(fields, 'notification accepted despite an invalid (probe) signature');
    } else if (attempt.ok) {
      this.#deps.logger.info(fields, 'notification delivered');
    } else {
      this.#deps.logger.warn(fields, 'notification attempt failed');
    }
  }

  #withLock<T>(id: number, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.#locks.set(id, tail);
    void tail.then(() => {
      if (this.#locks.get(id) === tail) this.#locks.delete(id);
    });
    return current;
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const untrack = () => this.#inFlight.delete(promise);
    promise.then(untrack, untrack);
    return promise;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
