import { randomUUID } from 'node:crypto';
import {
  MemoryPlatformCertificateStore,
  type PlatformCertificateRefreshLock,
  type PlatformCertificateStore,
  type StoredPlatformCertificates,
} from '@wxpay-kit/sdk';
import { luaScript, type RedisCommandRunner } from './redis-command-runner.js';
import { choosePolicy, helperRunner, type RedisHelperOptions } from './redis-helper-options.js';
import { RedisUnavailableError } from './redis-unavailable-error.js';

/**
 * What the store does when Redis cannot answer:
 * - `'local'` (default): behave as a single process would. `load` answers this process's last copy (read or
 *   written), `save` keeps the value in that copy, and `acquireRefreshLock` answers a lock local to this
 *   process, so each process refreshes on its own schedule until Redis is back: more downloads, never none.
 * - `'closed'`: reject with `RedisUnavailableError` (the SDK reports `WechatPayCertificateError` `STORE_FAILED`).
 */
export type PlatformCertificateStorePolicy = 'local' | 'closed';

/** Keys `<keyPrefix>certificates:<mchid>` and `…:<mchid>:refresh-lock`; `commandTimeoutMs` defaults to 1 000 ms. */
export interface RedisPlatformCertificateStoreOptions extends RedisHelperOptions {
  policy?: PlatformCertificateStorePolicy;
}

/** Deletes the lock only while it still holds this holder's token (an expired lock may belong to another). */
const RELEASE_SCRIPT = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Kept a day past the last `expire_time`: the contract allows expiry after it, never before. */
const EXPIRY_MARGIN_MS = 24 * 3_600_000;

/**
 * The SDK's `PlatformCertificateStore` on Redis: every process reads the merchant's shared certificate set,
 * and one at a time refreshes it under a lock that expires by itself (`SET NX PX`).
 */
export class RedisPlatformCertificateStore implements PlatformCertificateStore {
  readonly #runner: RedisCommandRunner;
  readonly #prefix: string;
  readonly #policy: PlatformCertificateStorePolicy;
  readonly #local = new MemoryPlatformCertificateStore();
  readonly #onUnavailable: ((error: RedisUnavailableError) => void) | undefined;

  constructor(options: RedisPlatformCertificateStoreOptions) {
    const policy = choosePolicy('RedisPlatformCertificateStore', options.policy, [
      'local',
      'closed',
    ] as const);
    this.#runner = helperRunner(options, 'platform-certificates', 1_000);
    this.#prefix = options.keyPrefix ?? 'wxpay:';
    this.#policy = policy;
    this.#onUnavailable = options.onUnavailable;
  }

  #key(mchid: string): string {
    if (typeof mchid !== 'string' || mchid === '') {
      throw new TypeError(
        `RedisPlatformCertificateStore: mchid must be a non-empty string, got ${JSON.stringify(mchid)}`,
      );
    }
    return `${this.#prefix}certificates:${mchid}`;
  }

  /** Applies the policy to a Redis failure: rethrows it (`closed`, or not a Redis failure) or runs `local`. */
  async #orLocal<T>(error: unknown, local: () => Promise<T>): Promise<T> {
    if (!(error instanceof RedisUnavailableError)) throw error;
    this.#onUnavailable?.(error);
    if (this.#policy === 'closed') throw error;
    return local();
  }

  async load(mchid: string): Promise<StoredPlatformCertificates | undefined> {
    const key = this.#key(mchid);
    let text: unknown;
    try {
      text = await this.#runner.send(['GET', key]);
    } catch (error) {
      return this.#orLocal(error, () => this.#local.load(mchid));
    }
    if (text === null || text === undefined) return undefined;
    let value: StoredPlatformCertificates;
    try {
      value = JSON.parse(String(text));
    } catch (cause) {
      throw new Error(
        `RedisPlatformCertificateStore: ${key} does not hold JSON; delete it to let the SDK refresh`,
        {
          cause,
        },
      );
    }
    await this.#local.save(mchid, value);
    return value;
  }

  async save(mchid: string, value: StoredPlatformCertificates): Promise<void> {
    const key = this.#key(mchid);
    await this.#local.save(mchid, value);
    const expires = Math.max(...value.entries.map((entry) => Date.parse(entry.expire_time)));
    const expiry = Number.isFinite(expires) ? ['PXAT', String(expires + EXPIRY_MARGIN_MS)] : [];
    try {
      await this.#runner.send(['SET', key, JSON.stringify(value), ...expiry]);
    } catch (error) {
      // Kept in this process's copy above; the next save after Redis returns shares it again.
      await this.#orLocal(error, async () => {});
    }
  }

  async acquireRefreshLock(
    mchid: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<PlatformCertificateRefreshLock | undefined> {
    const key = `${this.#key(mchid)}:refresh-lock`;
    const token = randomUUID();
    let reply: unknown;
    try {
      reply = await this.#runner.send(['SET', key, token, 'NX', 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
    } catch (error) {
      return this.#orLocal(error, () => this.#local.acquireRefreshLock(mchid, ttlMs, nowMs));
    }
    if (reply !== 'OK') return undefined;
    return {
      release: async () => {
        await this.#runner.evalScript(RELEASE_SCRIPT, [key], [token]).catch((error: unknown) => {
          // Unreleased, the lock still expires after ttlMs: the next refresh waits at most that long.
          if (error instanceof RedisUnavailableError) this.#onUnavailable?.(error);
          else throw error;
        });
      },
    };
  }
}
