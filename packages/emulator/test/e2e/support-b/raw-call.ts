import { type IncomingHttpHeaders, request } from 'node:http';
import type { MerchantKey, RunningEmulator } from '@wxpay-kit/emulator';
import { loadPrivateKey, PlatformKeyring, signRequest, verifySignedMessage } from '@wxpay-kit/sdk/protocol';

export interface RawCall {
  method: string;
  /** Path and query exactly as sent: percent-encoding and all, which `fetch` and the SDK would normalise. */
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Sign these instead of what is sent, to send a request tampered with after signing. */
  signed?: { path?: string; body?: string | Buffer };
  /** An Authorization header to send as it is (`null`: none); by default the request is signed properly. */
  authorization?: string | null;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: an error body or whatever a test expects
  json: any;
  /** The Wechatpay-* headers verify against the emulator's platform key (as the SDK would check them). */
  verified: boolean;
}

/**
 * A request signed as one of the emulator's merchants and sent with node:http, so that the bytes on the wire
 * are exactly the test's: malformed percent-encoding, bodies the SDK would refuse to build, headers left out.
 * `agent: false`: a connection the server refused must never be reused by the next call.
 */
export async function rawCall(emulator: RunningEmulator, as: MerchantKey, call: RawCall): Promise<RawAnswer> {
  const merchant = emulator.merchants[as];
  const body = call.body ?? '';
  let authorization = call.authorization;
  if (authorization === undefined) {
    const signed = await signRequest({
      method: call.method,
      url: call.signed?.path ?? call.path,
      body: call.signed?.body ?? body,
      mchid: merchant.mchid,
      serialNo: merchant.serialNo,
      privateKey: loadPrivateKey(merchant.privateKeyPem),
    });
    authorization = signed.authorization;
  }
  const headers: Record<string, string | number> = {
    accept: 'application/json',
    'user-agent': 'wxpay-kit-e2e',
    ...(body.length > 0 ? { 'content-type': 'application/json' } : {}),
    'content-length': Buffer.byteLength(body),
    ...(authorization === null ? {} : { authorization }),
    ...call.headers,
  };
  const answer = await new Promise<{ status: number; headers: IncomingHttpHeaders; bytes: Buffer }>(
    (resolve, reject) => {
      const req = request(
        `${emulator.url}${call.path}`,
        { method: call.method, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
  const text = answer.bytes.toString('utf8');
  return {
    status: answer.status,
    headers: answer.headers,
    text,
    json: text === '' ? undefined : safeJson(text),
    verified: await verifiesWith(emulator, answer.headers, answer.bytes),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function verifiesWith(
  emulator: RunningEmulator,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<boolean> {
  const keyring = new PlatformKeyring({
    publicKey: { id: emulator.wechatpayPublicKey.id, key: emulator.wechatpayPublicKey.pem },
  });
  try {
    await verifySignedMessage({ headers, body, keyring, now: Math.floor(Date.now() / 1000) });
    return true;
  } catch {
    return false;
  }
}
