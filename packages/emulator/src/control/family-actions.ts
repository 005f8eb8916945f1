import type { FamilyName } from '@wxpay-kit/sdk/catalogue';
import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { runInTransaction } from '../db/transaction.js';
import { describeControlActions } from './action-catalogue.js';
import { anyJsonBody, queryOf } from './control-input.js';

/** `transferBills` → `transfer-bills`: the URL segment of a family's control actions. */
export function familyKebab(family: FamilyName | string): string {
  return family.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * Mounts each family's user/system actions under `/_emulator/<family-kebab>`. Each runs in one transaction
 * (through the family's machine), and whatever it scheduled or queued runs right after.
 */
export function familyActionRoutes(app: FastifyInstance, runtime: EmulatorRuntime, prefix: string): void {
  const descriptors = describeControlActions(runtime.families, prefix, runtime.credentials);
  // What the typed control client calls: every action, named, with the merchant it may infer.
  app.get('/actions', async () => ({ actions: descriptors }));
  for (const family of runtime.families) {
    for (const action of family.control) {
      app.route<{ Params: Record<string, string> }>({
        method: action.method,
        url: `/${familyKebab(family.family)}${action.path}`,
        handler: async (request, reply) => {
          const input = { params: request.params, query: queryOf(request), body: anyJsonBody(request) };
          const result = runInTransaction(runtime.db, () => action.handler(runtime.familyDeps, input));
          runtime.scheduler.wake();
          return reply.code(result.status).send(result.body ?? null);
        },
      });
    }
  }
}
