import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { formatTime, parseTime } from '../core/format-time.js';
import { ControlInputError, jsonBody, rejectUnknownKeys } from './control-input.js';

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ControlInputError(`${name} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * `{ seconds }` or `{ ms }` → a distance to move by, `{ to: RFC 3339 }` → an instant to move to. A distance stays a
 * distance until the advance runs: in real mode the scheduler may be busy for a while first.
 */
function advanceOf(body: Record<string, unknown>, now: number): { by: number } | { to: number } {
  rejectUnknownKeys(body, ['seconds', 'ms', 'to'], 'clock advance');
  const given = ['seconds', 'ms', 'to'].filter((key) => body[key] !== undefined);
  if (given.length !== 1) {
    throw new ControlInputError(
      'clock advance needs exactly one of { "seconds": n }, { "ms": n }, { "to": "RFC 3339 time" }',
    );
  }
  if (body.seconds !== undefined) return { by: nonNegative(body.seconds, 'seconds') * 1000 };
  if (body.ms !== undefined) return { by: nonNegative(body.ms, 'ms') };
  const to = typeof body.to === 'string' ? parseTime(body.to) : undefined;
  if (to === undefined) {
    throw new ControlInputError(
      `to must be an RFC 3339 time such as 2026-01-01T00:00:00+08:00, got ${JSON.stringify(body.to)}`,
    );
  }
  if (to < now)
    throw new ControlInputError(
      `to (${body.to}) is before the virtual now (${formatTime(now)}); time only moves forward`,
    );
  return { to };
}

/** The virtual clock: read it, or move it forward and run everything that falls due on the way. */
export function clockRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  const { clock, scheduler } = runtime;
  const view = () => {
    const snapshot = clock.snapshot();
    return {
      mode: snapshot.mode,
      now: snapshot.now,
      time: formatTime(snapshot.now),
      offsetMs: snapshot.offsetMs,
    };
  };

  app.get('/clock', async () => view());

  app.post('/clock/advance', async (request) => {
    const advance = advanceOf(jsonBody(request), clock.now());
    const report = await ('by' in advance
      ? scheduler.advanceBy(advance.by)
      : scheduler.advanceTo(advance.to));
    return {
      ...view(),
      ran: {
        timers: report.timers,
        notificationAttempts: report.notificationAttempts,
        // Attempts whose merchant had not answered when the advance stopped waiting (advanceWaitMs).
        inFlight: report.inFlight.map((attempt) => ({
          id: attempt.id,
          url: attempt.url,
          dueTime: formatTime(attempt.dueAt),
        })),
      },
    };
  });

  // What falls due next, soonest first: the timers of the families and the scheduled notification attempts. An
  // advance past these runs them in this order.
  app.get('/clock/due', async () => {
    const timers = runtime.db
      .prepare(
        `SELECT id, family, kind, ref, due_at AS dueAt FROM timers WHERE state = 'pending' ORDER BY due_at, id LIMIT 100`,
      )
      .all() as { id: number; family: string; kind: string; ref: string; dueAt: number }[];
    const attempts = runtime.db
      .prepare(
        `SELECT id, family, event_type AS eventType, resource_key AS resourceKey, url, next_due_at AS dueAt
         FROM notify_notifications WHERE next_due_at IS NOT NULL ORDER BY next_due_at, id LIMIT 100`,
      )
      .all() as { id: number; dueAt: number }[];
    return {
      ...view(),
      timers: timers.map((t) => ({ ...t, dueTime: formatTime(t.dueAt) })),
      notificationAttempts: attempts.map((a) => ({ ...a, dueTime: formatTime(a.dueAt) })),
    };
  });
}
