/** A message body: strings are UTF-8; bytes are signed exactly as given. */
export type MessageBody = string | Uint8Array;

const LINE_BREAK = /[\r\n]/;

function checkLine(what: string, value: string): void {
  // A line break inside a field would shift every following line of the message and sign something else.
  if (LINE_BREAK.test(value)) throw new TypeError(`sign message: ${what} must not contain a line break`);
}

const NEWLINE = Buffer.from('\n');

/** `head` (the lines before the body, already joined), the body, and the final line break, as UTF-8 bytes. */
function joinLines(head: string, body: MessageBody | undefined): Buffer {
  // A string body is encoded with its lines in one pass: the same bytes as encoding each part on its own,
  // since the line breaks between them leave no surrogate pair to split.
  if (body === undefined) return Buffer.from(`${head}\n\n`, 'utf8');
  if (typeof body === 'string') return Buffer.from(`${head}\n${body}\n`, 'utf8');
  return Buffer.concat([
    Buffer.from(`${head}\n`, 'utf8'),
    Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    NEWLINE,
  ]);
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
  return joinLines(`${method}\n${input.url}\n${timestamp}\n${input.nonce}`, input.body);
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
  return joinLines(`${timestamp}\n${input.nonce}`, input.body);
}
