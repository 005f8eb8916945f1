import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { formatTime } from '../core/format-time.js';
import type { FamilyModule } from '../families/family.js';
import { listTransitions } from '../history/transition-log.js';
import { ControlInputError, queryOf } from './control-input.js';
import { familyKebab } from './family-actions.js';

function familyNamed(runtime: EmulatorRuntime, name: string): FamilyModule {
  const family = runtime.families.find((f) => f.family === name || familyKebab(f.family) === name);
  if (!family) {
    const known = runtime.families.map((f) => familyKebab(f.family)).join(', ') || 'none';
    throw new ControlInputError(`no resource family "${name}" (known: ${known})`, 404, 'NOT_FOUND');
  }
  return family;
}

/** Read-only views of each family's records (`FamilyModule.inspect.list`), and each record's timeline. */
export function resourceRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.get<{ Params: { family: string } }>('/resources/:family', async (request) => {
    const family = familyNamed(runtime, request.params.family);
    const { mchid } = queryOf(request);
    const items = family.inspect.list(runtime.familyDeps, mchid === undefined ? {} : { mchid });
    return { family: family.family, items };
  });

  // A resource's life in order: each transition with its actor (from the machine row that applied it), and
  // the notifications it caused with every delivery attempt. `key` is the merchant's out-number.
  app.get<{ Params: { family: string; key: string } }>(
    '/resources/:family/:key/timeline',
    async (request) => {
      const family = familyNamed(runtime, request.params.family);
      const { mchid } = queryOf(request);
      const resourceKey = request.params.key;
      const transitions = listTransitions(runtime.db, { family: family.family, resourceKey, mchid }).map(
        (t) => ({
          ...t,
          time: formatTime(t.at),
        }),
      );
      const notifications = runtime.worker
        .list({ resourceKey, ...(mchid === undefined ? {} : { mchid }) })
        .filter((n) => n.family === family.family)
        .map((n) => runtime.worker.get(n.id) ?? n);
      if (transitions.length === 0 && notifications.length === 0) {
        throw new ControlInputError(
          `no ${family.family} resource "${resourceKey}"${mchid ? ` of merchant ${mchid}` : ''} has a timeline`,
          404,
          'NOT_FOUND',
        );
      }
      return { family: family.family, resourceKey, transitions, notifications };
    },
  );
}
