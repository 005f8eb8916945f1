/** A message body: strings are UTF-8; bytes are signed exactly as given. */
export type MessageBody = string | Uint8Array;

function bodyBytes(body: MessageBody | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string'
    ? Buffer.from(body, 'utf8')
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function checkLine(what: string, value: string): void {
  // A line break inside a field would shift every following line of the message and sign something else.
  if (/[\r\n]/.test(value)) throw new TypeError(`sign message: ${what} must not contain a line break`);
}

function joinLines(head: string[], body: MessageBody | undefined): Buffer {
  return Buffer.concat([Buffer.from(head.join('\n') + '\n', 'utf8'), bodyBytes(body), Buffer.from('\n')]);
}

export interface RequestSignMessageInput {
  method: string;
  /** The canonical URL: absolute path plus `?query` exactly as sent, no scheme or host. */
  url: string;
  timestamp: number | string;
  nonce: string;
  /** The exact request body; empty or absent for GET and body-less POST. */
  body?: MessageBody | undefined;
}

/** `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`: the request string to sign (spec §1.1). */
export function buildRequestSignMessage(input: RequestSignMessageInput): Buffer {
  const method = input.method.toUpperCase();
  const timestamp = String(input.timestamp);
  if (!input.url.startsWith('/')) {
    throw new TypeError(
      `buildRequestSignMessage: url must be the path and query without scheme and host (e.g. /v3/...), got "${input.url}"`,
    );
  }
  checkLine('method', method);
  checkLine('url', input.url);
  checkLine('timestamp', timestamp);
  checkLine('nonce', input.nonce);
  return joinLines([method, input.url, timestamp, input.nonce], input.body);
}

export interface ResponseSignMessageInput {
  timestamp: number | string;
  nonce: string;
  /** The raw response or notification body as received. */
  body?: MessageBody | undefined;
}

/** `TIMESTAMP\nNONCE\nBODY\n`: the string a response or notification signature covers (spec §2.2). */
export function buildResponseSignMessage(input: ResponseSignMessageInput): Buffer {
  const timestamp = String(input.timestamp);
  checkLine('timestamp', timestamp);
  checkLine('nonce', input.nonce);
  return joinLines([timestamp, input.nonce], input.body);
}
