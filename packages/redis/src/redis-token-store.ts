import {
  MemoryTokenStore,
  type TokenStore,
  type TokenTakeOptions,
  type TokenTakeResult,
} from '@wxpay-kit/sdk';
import { RedisBudgetExpired, type RedisCommandRunner } from './redis-command-runner.js';
import { choosePolicy, helperRunner, type RedisHelperOptions } from './redis-helper-options.js';
import { RedisUnavailableError } from './redis-unavailable-error.js';
import { TOKEN_BUCKET_SCRIPT } from './token-bucket-script.js';

/**
 * What a take does when Redis cannot answer (not connected, no reply within `commandTimeoutMs`, error reply):
 * - `'local'` (default): this process keeps limiting itself with an in-memory bucket at `localShare` of the
 *   documented rate, until Redis answers again. The fleet stays limited without Redis, roughly.
 * - `'open'`: the call goes ahead unlimited; WeChat Pay's own 429s (retried by the SDK) are the only brake.
 * - `'closed'`: the call fails with `RedisUnavailableError`; nothing is sent without the shared limit.
 */
export type TokenStorePolicy = 'local' | 'open' | 'closed';

/** The bucket of `<mchid>:<operation>` is `<keyPrefix>rate:<mchid>:<operation>`; `commandTimeoutMs` defaults to 250 ms. */
export interface RedisTokenStoreOptions extends RedisHelperOptions {
  policy?: TokenStorePolicy;
  /** With `policy: 'local'`: the share of each bucket's rate one process may use alone (default 1). Set 1/N for N processes. */
  localShare?: number;
}

/**
 * A `TokenStore` shared by every process that points at the same Redis: one Lua script per take keeps each
 * (mchid, operation) bucket atomic across the fleet, and refill runs on Redis's clock. Pass it to the SDK as
 * `new WechatPay({ …, rateLimit: { store } })` in every process.
 */
export class RedisTokenStore implements TokenStore {
  readonly #runner: RedisCommandRunner;
  readonly #prefix: string;
  readonly #policy: TokenStorePolicy;
  readonly #localShare: number;
  readonly #local = new MemoryTokenStore();
  readonly #onUnavailable: ((error: RedisUnavailableError) => void) | undefined;

  constructor(options: RedisTokenStoreOptions) {
    const policy = choosePolicy('RedisTokenStore', options.policy, ['local', 'open', 'closed'] as const);
    const localShare = options.localShare ?? 1;
    if (!(localShare > 0 && localShare <= 1)) {
      throw new TypeError(`RedisTokenStore: localShare must be in (0, 1], got ${localShare}`);
    }
    this.#runner = helperRunner(options, 'rate-limit', 250);
    this.#prefix = options.keyPrefix ?? 'wxpay:';
    this.#policy = policy;
    this.#localShare = localShare;
    this.#onUnavailable = options.onUnavailable;
  }

  async take(
    key: string,
    ratePerSecond: number,
    burst: number,
    nowMs: number,
    options: TokenTakeOptions = {},
  ): Promise<TokenTakeResult> {
    const { signal, waitUntilMs } = options;
    const timeoutMs = waitUntilMs === undefined ? undefined : waitUntilMs - nowMs;
    try {
      const reply = await this.#runner.evalScript(
        TOKEN_BUCKET_SCRIPT,
        [`${this.#prefix}rate:${key}`],
        [ratePerSecond, burst],
        { signal, timeoutMs },
      );
      const [granted, retryAfterMs] = reply as [number, number];
      return granted === 1 ? { ok: true } : { ok: false, retryAfterMs: Number(retryAfterMs) };
    } catch (error) {
      // The call's deadline came first: a wait that ends past it makes the SDK fail with its own timeout.
      if (error instanceof RedisBudgetExpired)
        return { ok: false, retryAfterMs: Math.max(1, (timeoutMs ?? 0) + 1) };
      if (!(error instanceof RedisUnavailableError)) throw error;
      this.#onUnavailable?.(error);
      if (this.#policy === 'closed') throw error;
      if (this.#policy === 'open') return { ok: true };
      return this.#local.take(
        key,
        ratePerSecond * this.#localShare,
        Math.max(1, burst * this.#localShare),
        nowMs,
      );
    }
  }
}
