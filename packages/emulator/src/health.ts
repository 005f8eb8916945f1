import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from './core/create-runtime.js';
import { formatTime } from './core/format-time.js';

/**
 * `GET /healthz`: 200 once the emulator listens and its database answers (a readiness probe for containers and
 * CI), with the virtual time. Open to every client: it tells nothing secret.
 */
export function healthRoute(app: FastifyInstance, runtime: EmulatorRuntime): void {
  const started = Date.now();
  app.get('/healthz', async (_request, reply) => {
    try {
      runtime.db.prepare('SELECT 1').get();
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', error: (error as Error).message });
    }
    const now = runtime.clock.now();
    return {
      status: 'ok',
      uptimeMs: Date.now() - started,
      clock: { mode: runtime.clock.mode, now, time: formatTime(now) },
    };
  });
}
