import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { resetState } from '../db/reset.js';

/** Forgets every resource, timer, notification and fault rule; keeps credentials, virtual time and id sequences. */
export function resetRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.post('/reset', async () => {
    const deleted = resetState(runtime.db, runtime.families);
    runtime.rateLimiter.reset();
    return { deleted };
  });
}
