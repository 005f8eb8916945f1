import type { OperationSpec } from '../catalogue/types.js';
import { buildQueryString, expandPath, rsaOaepEncrypt, type UrlValue } from '../protocol/index.js';
import type { PreparedRequest } from './prepared-request.js';
import type { ClientContext } from './resolve-options.js';
import { hasValueAtPointers, transformAtPointers } from './sensitive-fields.js';
import { validateAndSplit } from './validate-input.js';

/**
 * Encrypts the request's sensitive fields with the platform key and picks the `Wechatpay-Serial` to send:
 * always when encrypted fields are present (the server must know which key to decrypt with), and whenever
 * the operation requires the header.
 */
export function encryptRequestBody(
  context: ClientContext,
  body: unknown,
  pointers: readonly string[],
  serialRequired: boolean,
): { body: unknown; wechatpaySerial: string | undefined } {
  const encrypting = pointers.length > 0 && hasValueAtPointers(body, pointers);
  if (!encrypting && !serialRequired) return { body, wechatpaySerial: undefined };
  const { serial, key } = context.keyring.encryptionKey();
  const encrypted = encrypting
    ? transformAtPointers(body, pointers, (text) => rsaOaepEncrypt(text, key))
    : body;
  return { body: encrypted, wechatpaySerial: serial };
}

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
    pathAndQuery: path + buildQueryString(query),
    // Serialized once: these exact bytes are signed and sent.
    body: body === undefined ? undefined : JSON.stringify(body),
    wechatpaySerial,
    responseSensitive: spec.sensitive?.response ?? [],
    ratePerSecond: spec.rateLimit.perSecond,
  };
}
