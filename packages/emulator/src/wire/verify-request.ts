import {
  AuthorizationParseError,
  buildRequestSignMessage,
  MAX_SKEW_SECONDS,
  type ParsedAuthorization,
  parseAuthorization,
  verifySha256WithRsaSync,
} from '@wxpay-kit/sdk/protocol';
import type { CallingMerchant, MerchantDirectory } from '../core/merchant-directory.js';
import { ApiError, type ApiErrorDetail } from './api-error.js';

export interface SignedRequestParts {
  method: string;
  /** Path and query exactly as received (`request.raw.url`): the URL line of the signed message. */
  rawUrl: string;
  /** The body bytes exactly as received. */
  rawBody: Buffer;
  authorization: string | undefined;
}

export interface VerifyRequestDeps {
  directory: MerchantDirectory;
  /** Virtual now, epoch ms. */
  now: () => number;
  /** Wall-clock now, epoch ms. */
  wallNow?: () => number;
}

/** Which of the checks, in WeChat Pay's order, refused the Authorization. */
export type SignatureCheck =
  | 'MISSING_AUTHORIZATION'
  | 'MALFORMED_AUTHORIZATION'
  | 'UNKNOWN_MCHID'
  | 'UNKNOWN_SERIAL'
  | 'BAD_TIMESTAMP'
  | 'STALE_TIMESTAMP'
  | 'SIGNATURE_MISMATCH';

/**
 * A 401 SIGN_ERROR as WeChat Pay answers it, plus what the emulator knew when it refused (for the request journal's
 * diagnosis; none of it goes on the wire): the check that failed, the parsed attributes, the message it built.
 */
export class SignatureCheckError extends ApiError {
  constructor(
    readonly check: SignatureCheck,
    message: string,
    detail: ApiErrorDetail,
    readonly authorization?: ParsedAuthorization,
    readonly signMessage?: Buffer,
  ) {
    super(401, 'SIGN_ERROR', message, detail);
  }
}

const signError = (
  check: SignatureCheck,
  message: string,
  detail: ApiErrorDetail,
  authorization?: ParsedAuthorization,
) => new SignatureCheckError(check, message, detail, authorization);

function parse(header: string | undefined): ParsedAuthorization {
  if (header === undefined || header.trim() === '') {
    throw signError('MISSING_AUTHORIZATION', 'HTTP头缺少Authorization', {
      field: 'Authorization',
      location: 'header',
      issue: 'the Authorization header is missing',
    });
  }
  try {
    return parseAuthorization(header);
  } catch (error) {
    if (!(error instanceof AuthorizationParseError)) throw error;
    const detail: ApiErrorDetail = { location: 'authorization', issue: error.message };
    if (error.attribute) detail.field = error.attribute;
    if (error.reason === 'SCHEME')
      throw signError('MALFORMED_AUTHORIZATION', 'HTTP头Authorization认证类型不正确', detail);
    throw signError('MALFORMED_AUTHORIZATION', 'HTTP头Authorization值格式错误', detail);
  }
}

/** Cuts the message's body line to its first 8 characters, as WeChat echoes it in `sign_information`. */
function truncatedSignMessage(parts: SignedRequestParts, auth: ParsedAuthorization): string {
  const body = Array.from(parts.rawBody.toString('utf8')).slice(0, 8).join('');
  return `${parts.method}\n${parts.rawUrl}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`;
}

/**
 * Checks `Authorization` in the order WeChat Pay reports problems: syntax, merchant, certificate serial,
 * timestamp, signature (over the raw URL and raw body bytes). Resolves to the calling merchant; every failure
 * is a 401 SIGN_ERROR with the message WeChat uses for that cause.
 */
export async function verifyRequest(
  parts: SignedRequestParts,
  deps: VerifyRequestDeps,
): Promise<CallingMerchant> {
  const auth = parse(parts.authorization);
  const caller = deps.directory.caller(auth.mchid);
  if (!caller) {
    throw signError(
      'UNKNOWN_MCHID',
      '商户未申请过证书。',
      {
        field: 'mchid',
        value: auth.mchid,
        location: 'authorization',
        issue: `mchid ${auth.mchid} has no API certificate in this emulator`,
      },
      auth,
    );
  }
  if (auth.serial_no.toUpperCase() !== caller.credentials.serialNo) {
    throw signError(
      'UNKNOWN_SERIAL',
      '商户证书序列号有误。',
      {
        field: 'serial_no',
        value: auth.serial_no,
        location: 'authorization',
        issue: `serial_no does not match the API certificate of ${auth.mchid}`,
      },
      auth,
    );
  }
  if (!/^\d{1,12}$/.test(auth.timestamp)) {
    throw signError(
      'BAD_TIMESTAMP',
      'HTTP头Authorization值格式错误',
      {
        field: 'timestamp',
        value: auth.timestamp,
        location: 'authorization',
        issue: 'timestamp must be Unix time in seconds',
      },
      auth,
    );
  }
  const timestamp = Number(auth.timestamp);
  // Fresh against virtual time or wall time: a real client keeps working after the virtual clock moved on.
  const skews = [deps.now(), (deps.wallNow ?? Date.now)()].map((ms) => Math.abs(ms / 1000 - timestamp));
  if (Math.min(...skews) > MAX_SKEW_SECONDS) {
    throw signError(
      'STALE_TIMESTAMP',
      'Http头Authorization中的timestamp与发起请求的时间不得超过5分钟',
      {
        field: 'timestamp',
        value: auth.timestamp,
        location: 'authorization',
        issue: `timestamp is ${Math.round(skews[0]!)} s away from the server time; at most ${MAX_SKEW_SECONDS} s is accepted`,
      },
      auth,
    );
  }
  let message: Buffer;
  try {
    message = buildRequestSignMessage({
      method: parts.method,
      url: parts.rawUrl,
      timestamp: auth.timestamp,
      nonce: auth.nonce_str,
      body: parts.rawBody,
    });
  } catch (error) {
    throw signError(
      'MALFORMED_AUTHORIZATION',
      'HTTP头Authorization值格式错误',
      {
        location: 'authorization',
        issue: `no message can be signed from this request: ${(error as Error).message}`,
      },
      auth,
    );
  }
  // Verified inline: a public-key check (~20 µs) costs less than the thread-pool round trip; signing, ~35× dearer,
  // is what goes to the pool.
  if (!verifySha256WithRsaSync(message, auth.signature, caller.publicKey)) {
    throw new SignatureCheckError(
      'SIGNATURE_MISMATCH',
      '错误的签名，导致验签失败。',
      {
        detail: { issue: 'sign not match' },
        field: 'signature',
        location: 'authorization',
        sign_information: {
          method: parts.method,
          url: parts.rawUrl,
          truncated_sign_message: truncatedSignMessage(parts, auth),
          sign_message_length: message.length,
        },
      },
      auth,
      message,
    );
  }
  return caller;
}
