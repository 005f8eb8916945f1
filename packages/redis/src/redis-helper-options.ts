import type { RedisCommandClient } from './redis-command-client.js';
import { RedisCommandRunner } from './redis-command-runner.js';
import type { RedisHelperName, RedisUnavailableError } from './redis-unavailable-error.js';

/** Options every helper of this package takes. */
export interface RedisHelperOptions {
  client: RedisCommandClient;
  /** Prepended to every key the helper writes (default `wxpay:`). */
  keyPrefix?: string;
  /** Longest wait for one Redis reply; each helper documents its default. */
  commandTimeoutMs?: number;
  /** After a timeout or an error reply, apply the policy at once for this long (default 1 000 ms). */
  cooldownMs?: number;
  /** Told about every command Redis could not serve, before the policy applies (for logs and metrics). */
  onUnavailable?: (error: RedisUnavailableError) => void;
}

/** The option's policy, or the first allowed one when absent; anything else is refused, naming the helper. */
export function choosePolicy<P extends string>(
  owner: string,
  value: P | undefined,
  allowed: readonly P[],
): P {
  if (value === undefined) return allowed[0]!;
  if (allowed.includes(value)) return value;
  const listed = allowed.map((policy) => `'${policy}'`).join(', ');
  throw new TypeError(`${owner}: policy must be one of ${listed}, got ${String(value)}`);
}

export function helperRunner(
  options: RedisHelperOptions,
  helper: RedisHelperName,
  defaultCommandTimeoutMs: number,
): RedisCommandRunner {
  return new RedisCommandRunner({
    client: options.client,
    helper,
    commandTimeoutMs: options.commandTimeoutMs ?? defaultCommandTimeoutMs,
    cooldownMs: options.cooldownMs ?? 1_000,
  });
}
