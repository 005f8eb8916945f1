import { bodyParamError } from './param-error.js';

export type ControlBody = Record<string, unknown>;

/** A control action's JSON body as an object; no body at all reads as an empty one. */
export function controlBody(body: unknown): ControlBody {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw bodyParamError('/', body, 'the body must be a JSON object');
  }
  return body as ControlBody;
}

/** Refuses the first member not in `allowed`; `what` names the action or variant, for the message. */
export function onlyFields(body: ControlBody, allowed: readonly string[], what?: string): void {
  for (const key of Object.keys(body)) {
    if (allowed.includes(key)) continue;
    throw bodyParamError(
      `/${key}`,
      body[key],
      allowed.length === 0
        ? `${what ?? 'this action'} takes no body fields`
        : `unknown field${what === undefined ? '' : ` for ${what}`}; allowed: ${allowed.join(', ')}`,
    );
  }
}
