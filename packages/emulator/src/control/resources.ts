import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { ControlInputError, queryOf } from './control-input.js';
import { familyKebab } from './family-actions.js';

/** Read-only views of each family's records (`FamilyModule.inspect.list`). */
export function resourceRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.get<{ Params: { family: string } }>('/resources/:family', async (request) => {
    const { family: name } = request.params;
    const family = runtime.families.find((f) => f.family === name || familyKebab(f.family) === name);
    if (!family) {
      const known = runtime.families.map((f) => familyKebab(f.family)).join(', ') || 'none';
      throw new ControlInputError(`no resource family "${name}" (known: ${known})`, 404, 'NOT_FOUND');
    }
    const { mchid } = queryOf(request);
    const items = family.inspect.list(runtime.familyDeps, mchid === undefined ? {} : { mchid });
    return { family: family.family, items };
  });
}
