import { createHash, type KeyObject } from 'node:crypto';
import { MAX_SKEW_SECONDS, type ParsedAuthorization, verifySha256WithRsaSync } from '@wxpay-kit/sdk/protocol';
import { MERCHANT_KEYS } from '../core/credentials.js';
import type { MerchantDirectory } from '../core/merchant-directory.js';
import type { SignatureCheck, SignatureCheckError, SignedRequestParts } from '../wire/verify-request.js';
import { maskSignature } from './mask.js';

/** What the journal keeps about a refused Authorization. Never a key, never a whole signature. */
export interface SignatureDiagnosis {
  /** The check that failed, in WeChat Pay's order: parse → mchid → serial → timestamp → signature. */
  failedCheck: SignatureCheck;
  /** The likely cause, in plain words, with what to change. */
  likelyCause: string;
  /** The attributes parsed from `Authorization` (the signature shortened), when it parsed. */
  authorization?: Omit<ParsedAuthorization, 'signature'> & { signature: string };
  /**
   * The message the emulator built and verified against: `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, body shortened
   * past 4 KB. `signMessageSha256` and `signMessageLength` are over the exact bytes, to compare with the client's.
   */
  signMessage?: string;
  signMessageSha256?: string;
  signMessageLength?: number;
  /** Each likely mistake the emulator re-created and tried against the signature; `verifies` marks the culprit. */
  variantsTried?: Array<{ variant: string; verifies: boolean }>;
}

export interface DiagnoseContext {
  directory: MerchantDirectory;
  /** Virtual and wall now, epoch ms. */
  now: number;
  wallNow: number;
  /** The `Host` the request named, to re-create a message signed over a full URL. */
  host?: string | undefined;
}

const SHOWN_BODY_BYTES = 4096;
const WECHATPAY_HOST = 'https://api.mch.weixin.qq.com';

function shownMessage(message: Buffer): string {
  const text = message.toString('utf8');
  if (message.length <= SHOWN_BODY_BYTES + 512) return text;
  return `${text.slice(0, SHOWN_BODY_BYTES)}…(${message.length - SHOWN_BODY_BYTES} more bytes)`;
}

interface Candidate {
  variant: string;
  cause: string;
  message: Buffer;
}

function signMessage(
  method: string,
  url: string,
  timestamp: string,
  nonce: string,
  body: Buffer,
  eol = '\n',
) {
  return Buffer.concat([
    Buffer.from(`${method}${eol}${url}${eol}${timestamp}${eol}${nonce}${eol}`),
    body,
    Buffer.from(eol),
  ]);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** URL variants a client may have signed instead of the path and query it sent. */
function urlVariants(
  rawUrl: string,
  host: string | undefined,
): Array<{ variant: string; url: string; cause: string }> {
  const out: Array<{ variant: string; url: string; cause: string }> = [];
  const query = rawUrl.indexOf('?');
  if (query !== -1) {
    out.push({
      variant: 'URL without its query string',
      url: rawUrl.slice(0, query),
      cause: `The client signed the URL without its query string (${rawUrl.slice(0, query)} instead of ${rawUrl}). The URL line of the signed message is the path and the query exactly as sent.`,
    });
  }
  let decoded: string | undefined;
  try {
    decoded = decodeURIComponent(rawUrl);
  } catch {
    decoded = undefined;
  }
  if (decoded !== undefined && decoded !== rawUrl) {
    out.push({
      variant: 'URL before percent-encoding',
      url: decoded,
      cause: `The client signed the URL before percent-encoding it (${decoded}) but sent ${rawUrl}. Sign the URL exactly as it goes on the wire.`,
    });
  }
  for (const origin of new Set([WECHATPAY_HOST, ...(host ? [`http://${host}`, `https://${host}`] : [])])) {
    out.push({
      variant: `full URL with ${origin}`,
      url: `${origin}${rawUrl}`,
      cause: `The client signed the full URL (${origin}${rawUrl}); the signed URL is the path and query only (${rawUrl}).`,
    });
  }
  return out;
}

/** Body variants: what a client signed when it sent other bytes than it signed. */
function bodyVariants(rawBody: Buffer): Array<{ variant: string; body: Buffer; cause: string }> {
  const out: Array<{ variant: string; body: Buffer; cause: string }> = [];
  if (rawBody.length > 0) {
    out.push({
      variant: 'empty body',
      body: Buffer.alloc(0),
      cause: `The client signed an empty body but sent ${rawBody.length} bytes. Sign the exact body bytes it sends.`,
    });
  } else {
    out.push({
      variant: 'body "{}"',
      body: Buffer.from('{}'),
      cause:
        'The client signed the body "{}" but sent none (an HTTP library drops an empty JSON body). Sign what is sent.',
    });
  }
  const parsed = parseJson(rawBody);
  if (parsed !== undefined) {
    const forms: Array<[string, string]> = [
      ['compact JSON', JSON.stringify(parsed)],
      ['indented JSON', JSON.stringify(parsed, null, 2)],
      ['JSON with sorted keys', JSON.stringify(sortKeys(parsed))],
    ];
    const seen = new Set([rawBody.toString('utf8')]);
    for (const [name, text] of forms) {
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({
        variant: `body re-serialised as ${name}`,
        body: Buffer.from(text),
        cause: `The body was re-serialised between signing and sending: the signature covers the same JSON as ${name}, but other bytes were sent (an HTTP library or middleware that serialises the object again). Serialise once, sign those bytes and send them unchanged.`,
      });
    }
  }
  return out;
}

function candidates(
  parts: SignedRequestParts,
  auth: ParsedAuthorization,
  host: string | undefined,
): Candidate[] {
  const { method, rawUrl, rawBody } = parts;
  const { timestamp, nonce_str: nonce } = auth;
  const out: Candidate[] = [];
  const urls = urlVariants(rawUrl, host);
  const bodies = bodyVariants(rawBody);
  for (const url of urls) {
    out.push({ ...url, message: signMessage(method, url.url, timestamp, nonce, rawBody) });
  }
  for (const body of bodies) {
    out.push({ ...body, message: signMessage(method, rawUrl, timestamp, nonce, body.body) });
    for (const url of urls) {
      out.push({
        variant: `${url.variant} and ${body.variant}`,
        cause: `${url.cause} ${body.cause}`,
        message: signMessage(method, url.url, timestamp, nonce, body.body),
      });
    }
  }
  if (method !== method.toLowerCase()) {
    out.push({
      variant: 'method in lower case',
      cause: `The client signed the method in lower case (${method.toLowerCase()}); sign it as sent (${method}).`,
      message: signMessage(method.toLowerCase(), rawUrl, timestamp, nonce, rawBody),
    });
  }
  out.push({
    variant: 'no line break after the body',
    cause:
      'The signed message lacks the final "\\n" after the body: each of the five lines ends with "\\n", the body\'s too (an empty body still gives an empty line).',
    message: signMessage(method, rawUrl, timestamp, nonce, rawBody).subarray(0, -1),
  });
  out.push({
    variant: 'lines joined with \\r\\n',
    cause: 'The signed message joins its lines with "\\r\\n"; use "\\n".',
    message: signMessage(method, rawUrl, timestamp, nonce, rawBody, '\r\n'),
  });
  return out;
}

function knownMerchants(directory: MerchantDirectory): string {
  return MERCHANT_KEYS.map((key) => `${key} ${directory.credentials.merchants[key].mchid}`).join(', ');
}

function mchidCause(directory: MerchantDirectory, mchid: string): string {
  const info = directory.get(mchid);
  if (info?.kind === 'subMerchant') {
    return `${mchid} is a sub-merchant of ${info.parentMchid}: sub-merchants have no API certificate. Sign as the parent (mchid ${info.parentMchid}, its serial and key) and name the sub-merchant in sub_mchid.`;
  }
  return `mchid ${mchid} is not a merchant of this emulator. Its callers are ${knownMerchants(directory)} (GET /_emulator/merchants); a data folder created before the numbers were fixed keeps its own.`;
}

function serialCause(directory: MerchantDirectory, auth: ParsedAuthorization): string {
  const serial = auth.serial_no.toUpperCase();
  const { platform, merchants } = directory.credentials;
  const expected = directory.caller(auth.mchid)?.credentials.serialNo;
  if (serial === platform.certificateSerial || auth.serial_no === platform.publicKeyId) {
    return `serial_no is WeChat Pay's own ${serial === platform.certificateSerial ? 'platform certificate serial' : 'public key id'}, not the merchant's: put the serial of your merchant API certificate (${expected}) in Authorization, and WeChat Pay's in the Wechatpay-Serial header only.`;
  }
  const owner = MERCHANT_KEYS.find((key) => merchants[key].serialNo === serial);
  if (owner) {
    return `serial_no ${auth.serial_no} is the certificate of ${owner} (${merchants[owner].mchid}), but mchid says ${auth.mchid}: mchid, serial_no and the private key must all be one merchant's.`;
  }
  return `serial_no ${auth.serial_no} is not the API certificate of ${auth.mchid} (expected ${expected}). Keys and serials are generated per data folder: the key files or serial probably come from another data folder; take them from GET /_emulator/merchants/${auth.mchid}/client-options.`;
}

function timestampCause(auth: ParsedAuthorization, context: DiagnoseContext): string {
  if (/^\d{13}$/.test(auth.timestamp)) {
    return `timestamp ${auth.timestamp} is in milliseconds; WeChat Pay wants Unix seconds (${Math.floor(Number(auth.timestamp) / 1000)}).`;
  }
  if (!/^\d{1,12}$/.test(auth.timestamp)) return `timestamp "${auth.timestamp}" is not Unix time in seconds.`;
  const seconds = Number(auth.timestamp);
  const wallSkew = Math.round(seconds - context.wallNow / 1000);
  const virtualSkew = Math.round(seconds - context.now / 1000);
  const side = (skew: number) => `${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'}`;
  return `timestamp is ${side(wallSkew)} the wall clock and ${side(virtualSkew)} the emulator's virtual clock; at most ${MAX_SKEW_SECONDS} s either way is accepted. Sign with the current time for each request (a signature cannot be reused later, nor built ahead).`;
}

function mismatch(
  parts: SignedRequestParts,
  error: SignatureCheckError,
  auth: ParsedAuthorization,
  context: DiagnoseContext,
): Pick<SignatureDiagnosis, 'likelyCause' | 'variantsTried'> {
  const { directory } = context;
  const own = directory.caller(auth.mchid)!;
  const verifies = (message: Buffer, key: KeyObject) => verifySha256WithRsaSync(message, auth.signature, key);
  const tried: Array<{ variant: string; verifies: boolean }> = [];
  // Another merchant's key over the message as built: the key does not belong to the serial.
  const exact = error.signMessage!;
  for (const key of MERCHANT_KEYS) {
    const other = directory.resolve(key)!;
    if (other.info.mchid === auth.mchid) continue;
    const ok = verifies(exact, other.publicKey);
    tried.push({ variant: `signed with the private key of ${key}`, verifies: ok });
    if (ok) {
      return {
        likelyCause: `The message is right, but it was signed with the private key of ${key} (${other.info.mchid}), while mchid and serial_no name ${auth.mchid}: the key does not match the serial. Use the private key of the certificate serial_no names.`,
        variantsTried: tried,
      };
    }
  }
  for (const candidate of candidates(parts, auth, context.host)) {
    const ok = verifies(candidate.message, own.publicKey);
    tried.push({ variant: candidate.variant, verifies: ok });
    if (ok) return { likelyCause: candidate.cause, variantsTried: tried };
  }
  return {
    likelyCause: `The signature does not verify over the message below with the public key of certificate ${own.credentials.serialNo}, nor over any of the usual mistakes tried. Either the private key is not the one of that certificate (keys are generated per data folder: take them from GET /_emulator/merchants/${auth.mchid}/client-options), or the message differs in timestamp or nonce from the ones in Authorization. Compare signMessageSha256 with the SHA-256 of the message your client signed.`,
    variantsTried: tried,
  };
}

/** Explains a refused Authorization: which check failed, why that likely happened, and what was tried to tell. */
export function diagnoseSignature(
  parts: SignedRequestParts,
  error: SignatureCheckError,
  context: DiagnoseContext,
): SignatureDiagnosis {
  const auth = error.authorization;
  const base: SignatureDiagnosis = {
    failedCheck: error.check,
    likelyCause: '',
    ...(auth ? { authorization: { ...auth, signature: maskSignature(auth.signature) } } : {}),
  };
  if (error.signMessage) {
    base.signMessage = shownMessage(error.signMessage);
    base.signMessageSha256 = createHash('sha256').update(error.signMessage).digest('hex');
    base.signMessageLength = error.signMessage.length;
  }
  const issue = typeof error.detail?.issue === 'string' ? error.detail.issue : error.message;
  switch (error.check) {
    case 'MISSING_AUTHORIZATION':
      return {
        ...base,
        likelyCause:
          'The request carries no Authorization header: every APIv3 call is signed (WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…").',
      };
    case 'MALFORMED_AUTHORIZATION':
      return { ...base, likelyCause: `The Authorization header does not parse: ${issue}.` };
    case 'UNKNOWN_MCHID':
      return { ...base, likelyCause: mchidCause(context.directory, auth!.mchid) };
    case 'UNKNOWN_SERIAL':
      return { ...base, likelyCause: serialCause(context.directory, auth!) };
    case 'BAD_TIMESTAMP':
    case 'STALE_TIMESTAMP':
      return { ...base, likelyCause: timestampCause(auth!, context) };
    case 'SIGNATURE_MISMATCH':
      return { ...base, ...mismatch(parts, error, auth!, context) };
  }
}
