import { randomUUID } from 'node:crypto';
import { CLAIM_SCRIPT, FINISH_SCRIPT } from './notification-claim-scripts.js';
import { claimWindowSeconds } from './notification-retry-window.js';
import type { RedisCommandRunner } from './redis-command-runner.js';
import { choosePolicy, helperRunner, type RedisHelperOptions } from './redis-helper-options.js';
import { RedisUnavailableError } from './redis-unavailable-error.js';

/**
 * What `claim` does when Redis cannot answer:
 * - `'closed'` (default): it throws `RedisUnavailableError`. Answer WeChat Pay with `failureReply()`: it
 *   delivers again on its schedule, by which time Redis is likely back. Nothing is booked twice.
 * - `'open'`: it answers a claim that no other process knows about (`recorded: false`): the work runs, and a
 *   redelivery elsewhere may run it again. Only for work that is idempotent on its own.
 */
export type NotificationClaimPolicy = 'closed' | 'open';

/** A notification's record is `<keyPrefix>notification:<id>`; `commandTimeoutMs` defaults to 1 000 ms. */
export interface RedisNotificationClaimsOptions extends RedisHelperOptions {
  policy?: NotificationClaimPolicy;
  /**
   * How long a claim holds off other deliveries while its work runs (default 300 000 ms). Past it, a
   * redelivery takes the work over (its holder is presumed dead). Keep it well above your longest booking.
   */
  leaseMs?: number;
}

/** This process holds the notification: run the work, then `complete` or `fail` the claim. */
export interface NotificationClaim {
  readonly eventId: string;
  /** 1 for the first run; more after a failed or abandoned run. */
  readonly attempt: number;
  /** Why this is not the first run: the previous run failed, or it held the claim past `leaseMs`. */
  readonly retryOf?: { state: 'failed'; error: string } | { state: 'abandoned' } | undefined;
  /** `false` only under `policy: 'open'` while Redis is unavailable: no other process knows about this claim. */
  readonly recorded: boolean;
  /** Random per claim: only the holder can record the outcome. */
  readonly owner: string;
}

export type ClaimOutcome =
  | { status: 'claimed'; claim: NotificationClaim }
  /** Another delivery holds it and its lease runs until `leaseEndsAt`: answer failure, WeChat Pay comes back later. */
  | { status: 'in-progress'; startedAt: Date; leaseEndsAt: Date; attempt: number }
  /** Already handled: answer success; `result` is what `complete` recorded. */
  | { status: 'done'; finishedAt: Date; result: unknown; attempt: number };

export type RunOnceOutcome<T> =
  | { status: 'ran'; result: T; claim: NotificationClaim }
  | Exclude<ClaimOutcome, { status: 'claimed' }>;

/** `complete` or `fail` came from a claim that no longer holds the record (taken over after its lease, or expired). */
export class NotificationClaimLostError extends Error {
  readonly eventId: string;
  readonly currentState: string;

  constructor(eventId: string, currentState: string, leaseMs: number) {
    super(
      `notification ${eventId}: this claim no longer holds the record (now ${currentState}); it ran past its ` +
        `lease of ${leaseMs} ms and another delivery may have taken it over, so its outcome was not recorded`,
    );
    this.name = 'NotificationClaimLostError';
    this.eventId = eventId;
    this.currentState = currentState;
  }
}

/**
 * Fleet-wide "first time?" for WeChat Pay notifications, keyed by the notification `id`. The first delivery
 * claims the id (`SET NX` semantics, in one script with the rest) for the whole retry schedule the catalogue
 * documents for its event type; later deliveries learn whether it is in progress, done (with its result), or
 * failed (then they claim it and run again).
 */
export class RedisNotificationClaims {
  readonly #runner: RedisCommandRunner;
  readonly #prefix: string;
  readonly #policy: NotificationClaimPolicy;
  readonly #leaseMs: number;
  readonly #onUnavailable: ((error: RedisUnavailableError) => void) | undefined;

  constructor(options: RedisNotificationClaimsOptions) {
    const policy = choosePolicy('RedisNotificationClaims', options.policy, ['closed', 'open'] as const);
    const leaseMs = options.leaseMs ?? 300_000;
    if (!Number.isInteger(leaseMs) || leaseMs <= 0) {
      throw new TypeError(`RedisNotificationClaims: leaseMs must be a positive integer, got ${leaseMs}`);
    }
    this.#runner = helperRunner(options, 'notification-claims', 1_000);
    this.#prefix = options.keyPrefix ?? 'wxpay:';
    this.#policy = policy;
    this.#leaseMs = leaseMs;
    this.#onUnavailable = options.onUnavailable;
  }

  #key(eventId: string): string {
    if (typeof eventId !== 'string' || eventId === '') {
      throw new TypeError(
        `RedisNotificationClaims: the notification id must be a non-empty string, got ${JSON.stringify(eventId)}`,
      );
    }
    return `${this.#prefix}notification:${eventId}`;
  }

  /**
   * Claims `eventId` unless another delivery has it or finished it. `eventType` picks the retry schedule
   * the record must outlive (default: the longest in the catalogue).
   */
  async claim(
    eventId: string,
    options: { eventType?: string; signal?: AbortSignal } = {},
  ): Promise<ClaimOutcome> {
    const key = this.#key(eventId);
    const owner = randomUUID();
    const ttlMs = Math.ceil(claimWindowSeconds(options.eventType) * 1000 + this.#leaseMs);
    let reply: unknown[];
    try {
      reply = (await this.#runner.evalScript(CLAIM_SCRIPT, [key], [owner, ttlMs, this.#leaseMs], {
        signal: options.signal,
      })) as unknown[];
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      this.#onUnavailable?.(error);
      if (this.#policy === 'closed') throw error;
      return { status: 'claimed', claim: { eventId, attempt: 1, recorded: false, owner } };
    }
    const [status] = reply as [string];
    if (status === 'claimed') {
      const [, attempt, , previous, previousError] = reply as [string, number, number, string, string];
      const retryOf =
        previous === 'failed'
          ? ({ state: 'failed', error: previousError } as const)
          : previous === 'abandoned'
            ? ({ state: 'abandoned' } as const)
            : undefined;
      return {
        status: 'claimed',
        claim: { eventId, attempt: Number(attempt), retryOf, recorded: true, owner },
      };
    }
    if (status === 'in-progress') {
      const [, startedMs, leaseEndsMs, attempt] = reply as [string, number, number, number];
      return {
        status: 'in-progress',
        startedAt: new Date(Number(startedMs)),
        leaseEndsAt: new Date(Number(leaseEndsMs)),
        attempt: Number(attempt),
      };
    }
    const [, finishedMs, resultJson, attempt] = reply as [string, number, string, number];
    return {
      status: 'done',
      finishedAt: new Date(Number(finishedMs)),
      result: resultJson === '' ? undefined : JSON.parse(resultJson),
      attempt: Number(attempt),
    };
  }

  /** Records the work's result (JSON-serialisable), so later deliveries answer `done` with it. */
  async complete(claim: NotificationClaim, result?: unknown): Promise<void> {
    const payload = result === undefined ? '' : JSON.stringify(result);
    await this.#finish(claim, 'done', payload);
  }

  /** Records that the work failed, so the next delivery claims it again and retries. */
  async fail(claim: NotificationClaim, error: unknown): Promise<void> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await this.#finish(claim, 'failed', message.slice(0, 1000));
  }

  async #finish(claim: NotificationClaim, state: 'done' | 'failed', payload: string) {
    if (!claim.recorded) return;
    let reply: unknown[];
    try {
      reply = (await this.#runner.evalScript(
        FINISH_SCRIPT,
        [this.#key(claim.eventId)],
        [claim.owner, state, payload],
      )) as unknown[];
    } catch (error) {
      if (error instanceof RedisUnavailableError) this.#onUnavailable?.(error);
      throw error;
    }
    if (Number(reply[0]) !== 1)
      throw new NotificationClaimLostError(claim.eventId, String(reply[1]), this.#leaseMs);
  }

  /**
   * Claims the notification and runs `work` only if this delivery won the claim; records its result or its
   * failure. A result that cannot be recorded (Redis gone after the work ran) is reported to `onUnavailable`
   * and the outcome is still `ran`: answer success, since repeating the work is what the claim prevents.
   * If `work` throws, the failure is recorded and the error rethrown: answer failure, WeChat Pay retries.
   */
  async runOnce<T>(
    event: { id: string; event_type?: string },
    work: (claim: NotificationClaim) => Promise<T>,
  ): Promise<RunOnceOutcome<T>> {
    const outcome = await this.claim(event.id, { eventType: event.event_type });
    if (outcome.status !== 'claimed') return outcome;
    const { claim } = outcome;
    let result: T;
    try {
      result = await work(claim);
    } catch (error) {
      await this.fail(claim, error).catch(() => {
        // Unrecorded, the claim stays 'processing' until its lease ends; the work's error matters more.
      });
      throw error;
    }
    try {
      await this.complete(claim, result);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
    }
    return { status: 'ran', result, claim };
  }
}
