import { WechatPayError } from '@wxpay-kit/sdk';

/** Which helper of this package met the failure; each has its own documented policy. */
export type RedisHelperName = 'rate-limit' | 'notification-claims' | 'platform-certificates';

/**
 * - `NOT_CONNECTED`: the client is not ready (never connected, reconnecting, or closed); nothing was sent.
 * - `TIMEOUT`: no answer within the helper's `commandTimeoutMs` (a stalled or overloaded server).
 * - `CONNECTION_LOST`: the connection broke while the command was queued or in flight.
 * - `ERROR_REPLY`: Redis answered with an error (`OOM`, `READONLY`, `NOSCRIPT` after a reload, …).
 * - `COOLING_DOWN`: a recent failure (see `cause`) and the helper is not asking again yet.
 */
export type RedisFailureReason =
  | 'NOT_CONNECTED'
  | 'TIMEOUT'
  | 'CONNECTION_LOST'
  | 'ERROR_REPLY'
  | 'COOLING_DOWN';

/** Redis could not serve a helper of `@wxpay-kit/redis`. Retryable: the same call may succeed once Redis is back. */
export class RedisUnavailableError extends WechatPayError {
  readonly helper: RedisHelperName;
  readonly reason: RedisFailureReason;
  /** The Redis command that failed (`EVALSHA`, `GET`, …). */
  readonly command: string;

  constructor(options: {
    helper: RedisHelperName;
    reason: RedisFailureReason;
    command: string;
    detail: string;
    cause?: unknown;
  }) {
    super(
      `@wxpay-kit/redis ${options.helper}: Redis unavailable (${options.reason}) on ${options.command}: ${options.detail}`,
      {
        retryable: true,
        cause: options.cause,
      },
    );
    this.helper = options.helper;
    this.reason = options.reason;
    this.command = options.command;
  }
}
