import { luaScript } from './redis-command-runner.js';

/**
 * One take from one token bucket, atomically (Redis runs a script to completion before any other command).
 * The same arithmetic as the SDK's `MemoryTokenStore`, on Redis's own clock (`TIME`), so hosts whose clocks
 * disagree still share one refill timeline.
 *
 * KEYS[1]: the bucket (a hash: `tokens`, `updated` in ms on Redis's clock).
 * ARGV: rate per second, burst. Returns `{ 1, 0 }` for a token, `{ 0, retryAfterMs }` otherwise.
 * The key expires once the bucket would be full again, since a missing bucket starts full: nothing is lost.
 */
export const TOKEN_BUCKET_SCRIPT = luaScript(`
-- Redis 3.2-4 replicate a script by its effects only when asked; later versions always do, so ignore failure.
pcall(redis.replicate_commands)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = burst
  updated = now
end
local elapsed = math.max(0, now - updated)
tokens = math.min(burst, tokens + elapsed * rate / 1000)
updated = math.max(updated, now)
local granted = 0
local retry_after = 0
if tokens >= 1 then
  tokens = tokens - 1
  granted = 1
else
  retry_after = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updated', string.format('%.17g', updated))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return { granted, retry_after }
`);
