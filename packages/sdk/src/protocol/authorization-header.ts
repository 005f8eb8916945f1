import type { KeyObject } from 'node:crypto';
import { AuthorizationParseError } from './authorization-parse-error.js';
import { generateNonce } from './nonce.js';
import { signSha256WithRsa } from './rsa-sha256.js';
import { buildRequestSignMessage, type RequestSignMessageInput } from './sign-message.js';
import { unixSeconds } from './unix-seconds.js';

export const AUTHORIZATION_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

const ATTRIBUTES = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;
type AttributeName = (typeof ATTRIBUTES)[number];

export interface AuthorizationInput {
  mchid: string;
  serialNo: string;
  nonce: string;
  timestamp: number | string;
  signature: string;
}

const UNSAFE_VALUE = /["\r\n]/;

/** The header value in the attribute order of WeChat Pay's own WXPayUtility sample. */
export function buildAuthorization(input: AuthorizationInput): string {
  const { mchid, nonce, signature, serialNo } = input;
  const timestamp = String(input.timestamp);
  const values: Record<AttributeName, string> = {
    mchid,
    nonce_str: nonce,
    signature,
    timestamp,
    serial_no: serialNo,
  };
  for (const name of ATTRIBUTES) {
    if (values[name] === '' || UNSAFE_VALUE.test(values[name])) {
      throw new TypeError(`buildAuthorization: ${name} must be non-empty and contain no quote or line break`);
    }
  }
  return `${AUTHORIZATION_SCHEME} mchid="${mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${serialNo}"`;
}

export interface ParsedAuthorization {
  scheme: string;
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

// One `name="value"` pair; whitespace around the separating commas is tolerated (the official form has none).
const PAIR = /^\s*([A-Za-z_]+)="([^"]*)"\s*(?:,|$)/;

/** Parses the five attributes in any order (the official doc gives them no ordering requirement). */
export function parseAuthorization(header: string): ParsedAuthorization {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme !== AUTHORIZATION_SCHEME) {
    throw new AuthorizationParseError(
      'SCHEME',
      `Authorization scheme must be ${AUTHORIZATION_SCHEME}, got "${scheme.slice(0, 40)}"`,
    );
  }
  let rest = space === -1 ? '' : trimmed.slice(space + 1);
  if (rest.trim() === '') {
    throw new AuthorizationParseError('FORMAT', 'Authorization has no attributes after the scheme');
  }
  const found = new Map<string, string>();
  while (rest !== '') {
    const match = PAIR.exec(rest);
    if (!match) {
      throw new AuthorizationParseError(
        'FORMAT',
        `Authorization attributes must be name="value" pairs separated by commas; cannot parse from "${rest.slice(0, 20)}"`,
      );
    }
    const [whole, name = '', value = ''] = match;
    if (!(ATTRIBUTES as readonly string[]).includes(name)) {
      throw new AuthorizationParseError('FORMAT', `Authorization has an unknown attribute "${name}"`, name);
    }
    if (found.has(name)) {
      throw new AuthorizationParseError(
        'DUPLICATE_ATTRIBUTE',
        `Authorization repeats the attribute ${name}`,
        name,
      );
    }
    if (value === '') {
      throw new AuthorizationParseError('FORMAT', `Authorization attribute ${name} is empty`, name);
    }
    found.set(name, value);
    rest = rest.slice(whole.length);
    if (whole.trimEnd().endsWith(',') && rest.trim() === '') {
      throw new AuthorizationParseError('FORMAT', 'Authorization ends with a trailing comma');
    }
  }
  const parsed: Record<string, string> = { scheme };
  for (const name of ATTRIBUTES) {
    const value = found.get(name);
    if (value === undefined) {
      throw new AuthorizationParseError(
        'MISSING_ATTRIBUTE',
        `Authorization lacks the attribute ${name}`,
        name,
      );
    }
    parsed[name] = value;
  }
  return parsed as unknown as ParsedAuthorization;
}

export interface SignRequestInput extends Omit<RequestSignMessageInput, 'timestamp' | 'nonce'> {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
  /** Unix seconds; defaults to the current time. */
  timestamp?: number | undefined;
  /** Defaults to a fresh 32-character nonce. */
  nonce?: string | undefined;
}

export interface SignedRequest {
  authorization: string;
  timestamp: number;
  nonce: string;
  signature: string;
}

/** Builds the string to sign, signs it off the event loop, and returns the `Authorization` header. */
export async function signRequest(input: SignRequestInput): Promise<SignedRequest> {
  const timestamp = input.timestamp ?? unixSeconds();
  const nonce = input.nonce ?? generateNonce();
  const message = buildRequestSignMessage({
    method: input.method,
    url: input.url,
    timestamp,
    nonce,
    body: input.body,
  });
  const signature = await signSha256WithRsa(message, input.privateKey);
  const authorization = buildAuthorization({
    mchid: input.mchid,
    serialNo: input.serialNo,
    nonce,
    timestamp,
    signature,
  });
  return { authorization, timestamp, nonce, signature };
}
