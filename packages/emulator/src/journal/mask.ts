import { getAtPointer } from '@wxpay-kit/sdk/protocol';
import { replaceAtPointer } from '../wire/json-pointer.js';

/** A signature shortened to recognise it, never to reuse it: the first 8 characters and the length. */
export function maskSignature(signature: string): string {
  return signature.length <= 8 ? '…' : `${signature.slice(0, 8)}…(${signature.length} chars)`;
}

/** Bodies longer than this are cut in the journal (the row says how much was left out). */
export const MAX_JOURNAL_BODY_CHARS = 16_384;

function cut(text: string): string {
  return text.length <= MAX_JOURNAL_BODY_CHARS
    ? text
    : `${text.slice(0, MAX_JOURNAL_BODY_CHARS)}…(${text.length - MAX_JOURNAL_BODY_CHARS} more characters)`;
}

/**
 * A body as the journal keeps it: the fields at `sensitive` (the catalogue's encrypted fields: ciphertext or, in
 * a response, a name) replaced by a placeholder; JSON stays JSON, anything else is kept as text. Over-long bodies
 * are cut.
 */
export function maskBody(text: string, sensitive: readonly string[] = []): string {
  if (text === '' || sensitive.length === 0) return cut(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return cut(text);
  }
  let masked = false;
  for (const pointer of sensitive) {
    const value = getAtPointer(parsed, pointer);
    if (value === undefined) continue;
    const length = typeof value === 'string' ? value.length : JSON.stringify(value).length;
    replaceAtPointer(parsed, pointer, `***(sensitive, ${length} chars)`);
    masked = true;
  }
  return cut(masked ? JSON.stringify(parsed) : text);
}

/** Request headers worth keeping; `Authorization` is kept with its signature shortened. */
const KEPT_HEADERS = ['content-type', 'accept', 'user-agent', 'wechatpay-serial', 'content-length'];

export function journalHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const authorization = headers.authorization;
  if (typeof authorization === 'string') out.authorization = maskAuthorization(authorization);
  return out;
}

const SIGNATURE_ATTRIBUTE = 'signature="';

/** `Authorization` with its signature attribute shortened (by index: a regex replace cost a third of the row). */
function maskAuthorization(authorization: string): string {
  const at = authorization.indexOf(SIGNATURE_ATTRIBUTE);
  if (at === -1) return authorization;
  const start = at + SIGNATURE_ATTRIBUTE.length;
  const end = authorization.indexOf('"', start);
  // An unterminated signature is still shortened: the journal never keeps a whole one.
  if (end === -1) return `${authorization.slice(0, start)}${maskSignature(authorization.slice(start))}`;
  return `${authorization.slice(0, start)}${maskSignature(authorization.slice(start, end))}${authorization.slice(end)}`;
}
