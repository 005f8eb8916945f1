import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { NOTIFICATION_STATES, type NotificationState } from '../notify/notification-store.js';
import { ControlInputError, queryOf } from './control-input.js';

function notificationId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id <= 0) {
    throw new ControlInputError(`notification id must be a positive integer, got "${text}"`);
  }
  return id;
}

/** The outbox: what was sent where, every attempt, and a manual redelivery. */
export function notificationRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  const { worker } = runtime;

  app.get('/notifications', async (request) => {
    const { mchid, state, resourceKey } = queryOf(request);
    if (state !== undefined && !(NOTIFICATION_STATES as readonly string[]).includes(state)) {
      throw new ControlInputError(`state must be one of ${NOTIFICATION_STATES.join(', ')}, got "${state}"`);
    }
    return {
      notifications: worker.list({
        ...(mchid === undefined ? {} : { mchid }),
        ...(state === undefined ? {} : { state: state as NotificationState }),
        ...(resourceKey === undefined ? {} : { resourceKey }),
      }),
    };
  });

  app.get<{ Params: { id: string } }>('/notifications/:id', async (request) => {
    const id = notificationId(request.params.id);
    const notification = worker.get(id);
    if (!notification) throw new ControlInputError(`no notification with id ${id}`, 404, 'NOT_FOUND');
    return notification;
  });

  app.post<{ Params: { id: string } }>('/notifications/:id/redeliver', async (request) => {
    const id = notificationId(request.params.id);
    if (!worker.get(id)) throw new ControlInputError(`no notification with id ${id}`, 404, 'NOT_FOUND');
    return { attempt: await worker.redeliver(id) };
  });
}
