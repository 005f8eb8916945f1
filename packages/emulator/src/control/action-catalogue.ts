import { type FamilyName, operations } from '@wxpay-kit/sdk/catalogue';
import { type Credentials, MERCHANT_KEYS } from '../core/credentials.js';
import type { Actor, ControlAction, FamilyModule } from '../families/family.js';
import { familyKebab } from './family-actions.js';

/** One family control action as `GET /_emulator/actions` lists it and the typed control client calls it. */
export interface ControlActionDescriptor {
  family: FamilyName;
  /** `emulator.control.<family>.<name>`. */
  name: string;
  method: 'GET' | 'POST';
  /** The route, control prefix included: `/_emulator/transfer-bills/:mchid/:out_bill_no/fail`. */
  path: string;
  /** Path parameters in order. */
  params: string[];
  summary: string;
  actor: Actor;
  /**
   * The merchant a `:mchid` is taken to be when the caller leaves it out: set when the family's operations are
   * all for one kind of merchant and the emulator has exactly one such caller (absent otherwise).
   */
  defaultMchid?: string;
}

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The client method name of an action: its fixed path segments in camelCase (`/:mchid/:no/risk-close` →
 * `riskClose`). A GET reads (`get`, `getBalances`); a POST to a path ending in a parameter writes the thing the
 * path names (`POST /balances/:sub_mchid` → `setBalances`).
 */
export function controlActionName(action: Pick<ControlAction, 'method' | 'path' | 'name'>): string {
  if (action.name) return action.name;
  const segments = action.path.split('/').filter((s) => s !== '');
  const words = segments.filter((s) => !s.startsWith(':')).map(camel);
  const joined = words.map((w, i) => (i === 0 ? w : pascal(w))).join('');
  if (action.method === 'GET') return joined === '' ? 'get' : `get${pascal(joined)}`;
  const endsInParam = segments.at(-1)?.startsWith(':') ?? false;
  if (joined === '') return 'update';
  return endsInParam ? `set${pascal(joined)}` : joined;
}

/** The kind of merchant every operation of the family is for, or undefined when they differ. */
function soleRole(family: FamilyModule): string | undefined {
  const roles = new Set(
    Object.keys(family.operations).map((name) => operations[name as keyof typeof operations]?.role),
  );
  return roles.size === 1 ? [...roles][0] : undefined;
}

export function hasInferableMchid(family: FamilyModule): boolean {
  return soleRole(family) !== undefined;
}

/** Every family action, named, with its full route; refuses two actions of a family with one name. */
export function describeControlActions(
  families: readonly FamilyModule[],
  controlPrefix: string,
  credentials?: Credentials,
): ControlActionDescriptor[] {
  const out: ControlActionDescriptor[] = [];
  for (const family of families) {
    const role = soleRole(family);
    const owners = credentials ? MERCHANT_KEYS.filter((key) => credentials.merchants[key].kind === role) : [];
    const defaultMchid = owners.length === 1 ? credentials!.merchants[owners[0]!].mchid : undefined;
    const seen = new Set<string>();
    for (const action of family.control) {
      const name = controlActionName(action);
      if (seen.has(name)) {
        throw new Error(
          `${family.family}: two control actions are named "${name}"; give one a name (ControlAction.name)`,
        );
      }
      seen.add(name);
      const params = action.path
        .split('/')
        .filter((s) => s.startsWith(':'))
        .map((s) => s.slice(1));
      out.push({
        family: family.family,
        name,
        method: action.method,
        path: `${controlPrefix}/${familyKebab(family.family)}${action.path}`,
        params,
        summary: action.summary,
        actor: action.actor,
        ...(defaultMchid && params.includes('mchid') ? { defaultMchid } : {}),
      });
    }
  }
  return out;
}
