import { createHash } from 'node:crypto';
import type { RedisCommandClient } from './redis-command-client.js';
import {
  type RedisFailureReason,
  type RedisHelperName,
  RedisUnavailableError,
} from './redis-unavailable-error.js';

/** A Lua script sent by its SHA-1 (`EVALSHA`), and in full only when the server does not know it yet. */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/** What the caller of one helper method can still spend on Redis. */
export interface RedisBudget {
  signal?: AbortSignal | undefined;
  /** The caller's own limit (time left before its deadline), when shorter than `commandTimeoutMs`. */
  timeoutMs?: number | undefined;
}

/** The caller's `timeoutMs` ran out before Redis answered: its deadline, not a Redis failure. */
export class RedisBudgetExpired extends Error {}

export interface RedisCommandRunnerOptions {
  client: RedisCommandClient;
  helper: RedisHelperName;
  /** Longest wait for one reply (a script that falls back from `EVALSHA` to `EVAL` shares it). */
  commandTimeoutMs: number;
  /** After a timeout or an error reply, fail at once for this long instead of asking again. */
  cooldownMs: number;
}

const REPLY_ERROR_NAMES = new Set(['ErrorReply', 'SimpleError', 'BlobError', 'ReplyError']);

function isErrorReply(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // A client of another make: Redis error replies start with an upper-case code (`ERR`, `OOM`, `NOSCRIPT`).
  return REPLY_ERROR_NAMES.has(error.constructor.name) || /^[A-Z][A-Z_]+ /.test(error.message);
}

/**
 * Sends commands for one helper with a bounded wait: a command is never queued on a client that is not ready,
 * never waits past `commandTimeoutMs` or the caller's budget, and a server that just stalled is left alone for
 * `cooldownMs`. Every failure is a `RedisUnavailableError` naming the reason; the helper applies its policy.
 */
export class RedisCommandRunner {
  readonly #options: RedisCommandRunnerOptions;
  #coolingDownUntil = 0;
  #lastFailure: RedisUnavailableError | undefined;

  constructor(options: RedisCommandRunnerOptions) {
    for (const name of ['commandTimeoutMs', 'cooldownMs'] as const) {
      const value = options[name];
      if (!Number.isFinite(value) || value < 0) {
        throw new TypeError(
          `@wxpay-kit/redis ${options.helper}: ${name} must be a finite number ≥ 0, got ${value}`,
        );
      }
    }
    this.#options = options;
  }

  async send(args: readonly string[], budget: RedisBudget = {}): Promise<unknown> {
    return this.#send(args, this.#deadline(budget), budget.signal);
  }

  /** Runs `script` with `EVALSHA`, loading it with `EVAL` if the server answers `NOSCRIPT` (first use, restart). */
  async evalScript(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number)[],
    budget: RedisBudget = {},
  ): Promise<unknown> {
    const deadline = this.#deadline(budget);
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await this.#send(['EVALSHA', script.sha1, ...tail], deadline, budget.signal, true);
    } catch (error) {
      if (!(error instanceof NoScript)) throw error;
      return this.#send(['EVAL', script.source, ...tail], deadline, budget.signal);
    }
  }

  #deadline(budget: RedisBudget): { at: number; byCaller: boolean } {
    const own = this.#options.commandTimeoutMs;
    const caller = budget.timeoutMs ?? Number.POSITIVE_INFINITY;
    return { at: performance.now() + Math.max(0, Math.min(own, caller)), byCaller: caller < own };
  }

  #fail(reason: RedisFailureReason, command: string, detail: string, cause?: unknown): RedisUnavailableError {
    return new RedisUnavailableError({ helper: this.#options.helper, reason, command, detail, cause });
  }

  async #send(
    args: readonly string[],
    deadline: { at: number; byCaller: boolean },
    signal: AbortSignal | undefined,
    noScriptIsExpected = false,
  ): Promise<unknown> {
    signal?.throwIfAborted();
    const command = args[0] ?? '';
    const { client, commandTimeoutMs } = this.#options;
    if (performance.now() < this.#coolingDownUntil) {
      const last = this.#lastFailure;
      throw this.#fail(
        'COOLING_DOWN',
        command,
        `not sent: a command failed (${last?.reason}) less than cooldownMs (${this.#options.cooldownMs} ms) ago`,
        last,
      );
    }
    if (client.isReady === false) {
      throw this.#fail(
        'NOT_CONNECTED',
        command,
        'the client is not connected (reconnecting or closed); nothing was sent',
      );
    }
    const waitMs = deadline.at - performance.now();
    if (waitMs <= 0) throw new RedisBudgetExpired(`no time left for ${command}`);

    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let onCallerAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      onCallerAbort = () => {
        controller.abort(signal?.reason);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onCallerAbort, { once: true });
      timer = setTimeout(() => {
        // Also takes the command out of the client's queue if it was not written yet.
        controller.abort();
        reject(
          deadline.byCaller
            ? new RedisBudgetExpired(`${command} still unanswered when the caller's deadline came`)
            : this.#fail('TIMEOUT', command, `no reply within commandTimeoutMs (${commandTimeoutMs} ms)`),
        );
      }, waitMs);
    });
    let reply: Promise<unknown>;
    try {
      reply = client.sendCommand(args, { abortSignal: controller.signal });
    } catch (error) {
      // A client of another make may throw instead of rejecting.
      reply = Promise.reject(error);
    }
    // A reply (or rejection) that arrives after we stopped waiting must not surface as an unhandled rejection.
    reply.catch(() => {});
    try {
      return await Promise.race([reply, stopped]);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof RedisBudgetExpired) throw error;
      if (error instanceof RedisUnavailableError) {
        this.#coolDown(error);
        throw error;
      }
      if (isErrorReply(error)) {
        const message = (error as Error).message;
        if (noScriptIsExpected && message.startsWith('NOSCRIPT')) throw new NoScript();
        const failure = this.#fail('ERROR_REPLY', command, message, error);
        this.#coolDown(failure);
        throw failure;
      }
      throw this.#fail(
        'CONNECTION_LOST',
        command,
        `the connection failed before a reply: ${(error as Error)?.message ?? String(error)}`,
        error,
      );
    } finally {
      clearTimeout(timer);
      if (onCallerAbort) signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  #coolDown(failure: RedisUnavailableError): void {
    this.#lastFailure = failure;
    this.#coolingDownUntil = performance.now() + this.#options.cooldownMs;
  }
}

class NoScript extends Error {}
