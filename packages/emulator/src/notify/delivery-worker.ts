import { generateNonce, sealNotification } from '@wxpay-kit/sdk/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Database } from '../families/family.js';
import { newRequestId } from '../wire/request-id.js';
import type { ResponseSigner } from '../wire/response-signer.js';
import {
  type AttemptInput,
  type AttemptRecord,
  earliestDueAt,
  findNextDue,
  findNotification,
  listAttempts,
  listNotifications,
  type NotificationFilter,
  type NotificationRecord,
  type NotificationState,
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
}

const DEFAULT_TIMEOUT_MS = 5000;

/** The merchant cannot be sent anything (no APIv3 key, unsealable resource): retrying cannot help. */
class NotSendableError extends Error {}

type AttemptResult = 'made' | 'skipped' | 'abandoned';

/**
 * Delivers the outbox. All state is in SQLite, so a new worker on the same database resumes where a previous one
 * stopped; an attempt in flight at a crash was never recorded and is simply made again. So is an attempt the
 * worker abandons (on close() or pause()) before the merchant answered.
 *
 * Every network exchange happens outside any transaction; its result is recorded in one short transaction.
 * Attempts run one at a time in due order: runDue() calls never overlap, and each notification has a lock shared
 * with redeliver(), so no notification ever has two attempts in flight. Two workers (processes) on one database
 * are not guarded against: the emulator runs one.
 */
export class DeliveryWorker {
  readonly #deps: DeliveryWorkerDeps;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  #closed = false;
  /** pause() calls not yet resumed. */
  #paused = 0;
  /** Aborted (and replaced) to abandon every exchange in flight. */
  #abandon = new AbortController();
  #runQueue: Promise<unknown> = Promise.resolve();
  #queuedRun: { limit: number; run: Promise<number> } | undefined;
  readonly #locks = new Map<number, Promise<unknown>>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(deps: DeliveryWorkerDeps) {
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new Error(
        `DeliveryWorker: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`,
      );
    }
    this.#deps = deps;
    this.#timeoutMs = timeoutMs;
    this.#fetch = deps.fetch ?? fetch;
  }

  /**
   * Performs the attempts due at clock.now(), in due order, at most `limit` of them (so a caller can do other due
   * work between slow merchants); resolves to how many were made.
   */
  runDue(limit = Number.POSITIVE_INFINITY): Promise<number> {
    if (!(limit >= 1)) throw new RangeError(`DeliveryWorker.runDue: limit must be ≥ 1, got ${limit}`);
    // Calls made while a run is in progress share the one queued behind it, which reads the clock when it
    // starts: a scheduler that calls on every tick cannot pile up runs behind a slow merchant.
    if (this.#queuedRun?.limit === limit) return this.#queuedRun.run;
    const run = this.#runQueue.then(() => {
      if (this.#queuedRun?.run === run) this.#queuedRun = undefined;
      return this.#track(this.#runDueNow(limit));
    });
    this.#queuedRun = { limit, run };
    this.#runQueue = run.catch(() => undefined);
    return run;
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

  /** Earliest pending due time (virtual ms), for the scheduler. */
  nextDueAt(): number | undefined {
    return earliestDueAt(this.#deps.db);
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

  async #runDueNow(limit: number): Promise<number> {
    // Each attempt uses up a schedule element, so the loop ends even with zero delays; what falls due while it
    // runs is left to the next run, which reads the clock again.
    const bound = this.#deps.clock.now();
    let made = 0;
    while (!this.#closed && this.#paused === 0 && made < limit) {
      const next = findNextDue(this.#deps.db, bound);
      if (!next) break;
      const result = await this.#withLock(next.id, () => this.#scheduledAttempt(next.id, bound));
      if (result === 'abandoned') break;
      if (result === 'made') made++;
    }
    return made;
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
