/**
 * The part of a Redis client this package uses. node-redis (`redis` v5/v6, `createClient()`) fits it as is;
 * anything else that can send a raw command fits it too.
 */
export interface RedisCommandClient {
  /** node-redis: `true` once connected and not reconnecting. When absent the client is taken as ready. */
  readonly isReady?: boolean;
  /**
   * Sends one command as its raw arguments; resolves with the reply (RESP2: strings, numbers, arrays, null).
   * `abortSignal` removes a command that is still waiting in the client's queue.
   */
  sendCommand(args: ReadonlyArray<string>, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}
