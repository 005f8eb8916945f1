import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { resetState } from '../db/reset.js';

/**
 * Forgets every resource, timer, notification and fault rule; keeps credentials, virtual time and id sequences.
 * It runs in the scheduler's queue with deliveries paused: an attempt in flight is abandoned rather than logged
 * against a notification the reset removed, and no timer fires halfway through.
 */
export function resetRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.post('/reset', async () => {
    const deleted = await runtime.scheduler.exclusive(() => resetState(runtime.db, runtime.families));
    runtime.rateLimiter.reset();
    return { deleted };
  });
}
