import { luaScript } from './redis-command-runner.js';

// Both scripts keep one hash per notification id: state (processing | done | failed), owner (the claim's
// random token), started / finished (ms on Redis's clock), attempts, result (JSON), error (message).

/**
 * KEYS[1]: the record. ARGV: owner token, record TTL (ms, from the first claim), lease (ms).
 * Returns one of:
 *   { 'claimed', attempts, startedMs, previousState ('' | 'failed' | 'abandoned'), previousError }
 *   { 'in-progress', startedMs, leaseEndsMs, attempts }
 *   { 'done', finishedMs, result, attempts }
 */
export const CLAIM_SCRIPT = luaScript(`
pcall(redis.replicate_commands)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local record = redis.call('HMGET', KEYS[1], 'state', 'started', 'attempts', 'finished', 'result', 'error')
local state = record[1]
if not state then
  redis.call('HSET', KEYS[1], 'state', 'processing', 'owner', ARGV[1], 'started', now, 'attempts', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return { 'claimed', 1, now, '', '' }
end
local attempts = tonumber(record[3]) or 1
if state == 'done' then
  return { 'done', tonumber(record[4]) or 0, record[5] or '', attempts }
end
local lease_ends = (tonumber(record[2]) or 0) + tonumber(ARGV[3])
if state == 'processing' and now < lease_ends then
  return { 'in-progress', tonumber(record[2]) or 0, lease_ends, attempts }
end
-- Failed, or still 'processing' past its lease (the holder died or hung): this delivery may run it again.
-- The TTL stays as the first claim set it: it already covers the whole retry schedule.
local previous = 'abandoned'
if state == 'failed' then previous = 'failed' end
redis.call('HSET', KEYS[1], 'state', 'processing', 'owner', ARGV[1], 'started', now, 'attempts', attempts + 1)
redis.call('HDEL', KEYS[1], 'error', 'finished')
return { 'claimed', attempts + 1, now, previous, record[6] or '' }
`);

/**
 * KEYS[1]: the record. ARGV: owner token, 'done' | 'failed', payload (result JSON or error message).
 * Records the outcome only for the claim that still holds the record. Returns { 1 } or { 0, currentState }.
 */
export const FINISH_SCRIPT = luaScript(`
pcall(redis.replicate_commands)
local record = redis.call('HMGET', KEYS[1], 'state', 'owner')
if record[1] ~= 'processing' or record[2] ~= ARGV[1] then
  return { 0, record[1] or 'expired' }
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if ARGV[2] == 'done' then
  redis.call('HSET', KEYS[1], 'state', 'done', 'finished', now, 'result', ARGV[3])
else
  redis.call('HSET', KEYS[1], 'state', 'failed', 'finished', now, 'error', ARGV[3])
end
return { 1 }
`);
