import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { formatTime, parseTime } from '../core/format-time.js';
import { resetState } from '../db/reset.js';
import { ControlInputError, jsonBody, rejectUnknownKeys } from './control-input.js';

/** `{ "clock": true }` → back to the wall clock; `{ "clock": "RFC 3339" }` → to that instant; absent → unchanged. */
function clockTarget(body: Record<string, unknown>): number | 'wall' | undefined {
  rejectUnknownKeys(body, ['clock'], 'reset');
  const { clock } = body;
  if (clock === undefined || clock === false) return undefined;
  if (clock === true) return 'wall';
  const ms = typeof clock === 'string' ? parseTime(clock) : undefined;
  if (ms === undefined) {
    throw new ControlInputError(
      `clock must be true (back to the wall clock) or an RFC 3339 time such as 2026-01-01T00:00:00+08:00, got ${JSON.stringify(clock)}`,
    );
  }
  return ms;
}

/**
 * Forgets every resource, timer, notification, journaled request and fault rule; keeps credentials and id
 * sequences, and virtual time unless `clock` says otherwise (time can move back only here, once nothing is left
 * that could fall due). It runs in the scheduler's queue with deliveries paused: an attempt in flight is abandoned
 * rather than logged against a notification the reset removed, and no timer fires halfway through.
 */
export function resetRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.post('/reset', async (request) => {
    const target = clockTarget(jsonBody(request));
    const deleted = await runtime.scheduler.exclusive(() => {
      const counts = resetState(runtime.db, runtime.families);
      if (target !== undefined) runtime.clock.reset(target === 'wall' ? undefined : target);
      return counts;
    });
    runtime.rateLimiter.reset();
    const now = runtime.clock.now();
    return { deleted, clock: { now, time: formatTime(now) } };
  });
}
