import { type OperationName, type OperationSpec, operations } from '@wxpay-kit/sdk';
import { SETTLED_STATES } from '@wxpay-kit/sdk/catalogue';
import { WaitTimeoutError } from '../exit-codes.js';
import { type OperationField, operationFields } from './operation-fields.js';

/** States in which the resource waits for someone else: shown while waiting, so nobody waits blind. */
const WAITING_ON: Readonly<Record<string, string>> = {
  WAIT_USER_CONFIRM: 'waiting for the user to confirm',
  WAITING_MERCHANT_CONFIRM: 'waiting for the platform to confirm (cancelWithdraws.confirm)',
  REVIEWING: 'under review',
};

const STATE_FIELDS = ['state', 'cancel_state'] as const;

export function stateOf(resource: unknown): string | undefined {
  if (typeof resource !== 'object' || resource === null) return undefined;
  for (const field of STATE_FIELDS) {
    const value = (resource as Record<string, unknown>)[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function requiredFields(spec: OperationSpec): OperationField[] {
  return operationFields(spec).filter((field) => field.required);
}

/**
 * The query that follows an operation's resource: a GET of the same family and role whose required fields are
 * all known from the call's input or its answer (e.g. `transferBills.cancel` → `transferBills.get` by
 * `out_bill_no` and `sub_mchid`). `undefined` when the catalogue has none.
 */
export function followUpQuery(
  name: OperationName,
  known: Record<string, unknown>,
): { name: OperationName; input: Record<string, unknown> } | undefined {
  const spec = operations[name] as OperationSpec;
  const candidates = (Object.keys(operations) as OperationName[])
    .map((candidate) => [candidate, operations[candidate] as OperationSpec] as const)
    .filter(([, other]) => other.family === spec.family && other.role === spec.role && other.method === 'GET')
    .filter(([, other]) => requiredFields(other).every((field) => known[field.name] !== undefined));
  const [chosen] = candidates.sort(([, a], [, b]) => operationFields(a).length - operationFields(b).length);
  if (chosen === undefined) return undefined;
  const [queryName, querySpec] = chosen;
  const input: Record<string, unknown> = {};
  for (const field of operationFields(querySpec)) {
    if (known[field.name] !== undefined) input[field.name] = known[field.name];
  }
  return { name: queryName, input };
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Stop at these states instead of the family's final states. */
  until?: readonly string[] | undefined;
  call: (name: OperationName, input: Record<string, unknown>) => Promise<unknown>;
  progress: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/**
 * Polls the follow-up query until the resource reaches a final state (or one of `until`), printing a progress
 * line at each change. The SDK's rate limiter keeps the polling within the query's documented rate.
 */
export async function waitForFinalState(
  name: OperationName,
  input: Record<string, unknown>,
  firstAnswer: unknown,
  options: WaitOptions,
): Promise<unknown> {
  const spec = operations[name] as OperationSpec;
  const targets: readonly string[] = options.until ?? SETTLED_STATES[spec.family];
  const known = { ...input, ...(typeof firstAnswer === 'object' && firstAnswer !== null ? firstAnswer : {}) };
  let latest = firstAnswer;
  let state = stateOf(latest);
  if (state !== undefined && targets.includes(state)) return latest;
  const query = followUpQuery(name, known as Record<string, unknown>);
  if (query === undefined) {
    throw new WaitTimeoutError(`--wait: the catalogue has no query that follows ${name}'s resource`, state);
  }
  const started = options.now();
  let shown: string | undefined;
  for (;;) {
    const elapsed = options.now() - started;
    const line = `${query.name}: ${state ?? '(no state)'}${state && WAITING_ON[state] ? ` (${WAITING_ON[state]})` : ''}`;
    if (line !== shown) options.progress(`${line} after ${(elapsed / 1000).toFixed(0)} s`);
    shown = line;
    if (elapsed >= options.timeoutMs) {
      throw new WaitTimeoutError(
        `still ${state ?? 'without a state'} after ${Math.round(elapsed / 1000)} s (waiting for ${targets.join(' or ')}); ` +
          `raise --timeout or query later with wxpay-kit ${query.name}`,
        state,
      );
    }
    await options.sleep(Math.min(options.intervalMs, Math.max(0, options.timeoutMs - elapsed)));
    latest = await options.call(query.name, query.input);
    state = stateOf(latest);
    if (state !== undefined && targets.includes(state)) {
      options.progress(`${query.name}: ${state} after ${((options.now() - started) / 1000).toFixed(0)} s`);
      return latest;
    }
  }
}
