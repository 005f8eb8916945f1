import type { OperationSpec } from '../catalogue/types.js';
import { expandPath, type UrlValue } from '../protocol/index.js';
import type { PreparedRequest } from './prepared-request.js';
import { buildRequestTarget } from './request-target.js';
import type { ClientContext } from './resolve-options.js';
import { encryptRequestBody } from './sensitive-fields.js';
import { validateAndSplit } from './validate-input.js';

/** Validates a flat method input against its catalogue row and builds the request to sign. */
export function prepareOperation(
  context: ClientContext,
  spec: OperationSpec,
  input: unknown,
): PreparedRequest {
  const split = validateAndSplit(spec, input);
  const path = expandPath(spec.path, split.params as Record<string, UrlValue>);

  // Query parameters go out in the row's declared order, so the signed URL does not depend on the caller's.
  const query: Record<string, UrlValue> = {};
  for (const name of Object.keys(spec.query?.properties ?? {})) {
    const value = split.query[name];
    if (value !== undefined) query[name] = value as UrlValue;
  }

  const { body, wechatpaySerial } = encryptRequestBody(
    context,
    split.body,
    spec.sensitive?.request ?? [],
    spec.wechatpaySerial === 'required',
  );

  return {
    label: spec.name,
    operation: spec.name,
    method: spec.method,
    pathAndQuery: buildRequestTarget(spec.name, path, query),
    // Serialized once: these exact bytes are signed and sent.
    body: body === undefined ? undefined : JSON.stringify(body),
    wechatpaySerial,
    expectsBody: spec.response !== undefined,
    responseSensitive: spec.sensitive?.response ?? [],
    ratePerSecond: spec.rateLimit.perSecond,
  };
}
