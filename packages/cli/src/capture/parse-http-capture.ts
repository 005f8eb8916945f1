import { CliUsageError } from '../exit-codes.js';

/** An HTTP message as captured: its headers (names lower-cased) and its body, byte for byte as given. */
export interface HttpCapture {
  startLine: string | undefined;
  headers: Record<string, string>;
  body: string;
  /** Which form the input had, for messages. */
  format: 'json' | 'curl -v' | 'raw HTTP';
}

const START_LINE = /^(HTTP\/[0-9.]+ \d{3}.*|[A-Z]+ \S+ HTTP\/[0-9.]+)$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*)$/;

function headerRecord(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const match = HEADER_LINE.exec(line);
    if (!match) throw new CliUsageError(`not a header line: "${line.slice(0, 80)}"`);
    headers[match[1]!.toLowerCase()] = match[2]!.trimEnd();
  }
  return headers;
}

/** `{"headers": {...}, "body": "..."}`: the form a program that logs notifications is most likely to keep. */
function fromJson(text: string): HttpCapture | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = parsed as { headers?: unknown; body?: unknown };
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.headers !== 'object' ||
    record.headers === null
  ) {
    return undefined;
  }
  if (typeof record.body !== 'string') {
    throw new CliUsageError(
      'the capture\'s "body" must be the raw body as a string (the signature covers the exact bytes), not parsed JSON',
    );
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { startLine: undefined, headers, body: record.body, format: 'json' };
}

/**
 * `curl -v` output: `> ` request lines, `< ` response lines, `* ` notes, `{ `/`} ` data markers, and the response
 * body unprefixed. The response is taken (that is what `verify` checks); with `--trace-ascii` dumps, use raw form.
 */
function fromCurlVerbose(lines: readonly string[]): HttpCapture | undefined {
  if (!lines.some((line) => line.startsWith('< '))) return undefined;
  let lastResponseStart = -1;
  lines.forEach((line, i) => {
    if (/^< HTTP\//.test(line)) lastResponseStart = i;
  });
  if (lastResponseStart < 0) return undefined;
  const headerLines: string[] = [];
  let i = lastResponseStart + 1;
  for (; i < lines.length && lines[i]!.startsWith('<'); i++) {
    const line = lines[i]!.replace(/^< ?/, '');
    if (line === '') {
      i++;
      break;
    }
    headerLines.push(line);
  }
  const bodyLines = lines.slice(i).filter((line) => !/^[*<>{}] /.test(line) && !/^[*<>]$/.test(line));
  return {
    startLine: lines[lastResponseStart]!.slice(2),
    headers: headerRecord(headerLines),
    body: bodyLines.join('\n').replace(/\n+$/, ''),
    format: 'curl -v',
  };
}

/** A raw message: an optional start line, headers, an empty line, then the body exactly as it follows. */
function fromRaw(text: string): HttpCapture {
  const separator = /\r?\n\r?\n/.exec(text);
  const head = separator ? text.slice(0, separator.index) : text;
  const body = separator ? text.slice(separator.index + separator[0].length) : '';
  const lines = head.split(/\r?\n/);
  const startLine = START_LINE.test(lines[0] ?? '') ? lines.shift() : undefined;
  return { startLine, headers: headerRecord(lines.filter((line) => line !== '')), body, format: 'raw HTTP' };
}

/**
 * Reads a captured request or response in any of three forms: JSON `{headers, body}`, a `curl -v` dump, or the
 * raw message (headers, an empty line, the body). The body is kept exactly as given: a capture that gained a
 * trailing newline is handled by the caller, which can say so.
 */
export function parseHttpCapture(text: string): HttpCapture {
  const trimmed = text.trimStart();
  if (trimmed === '')
    throw new CliUsageError('the capture is empty: give a file, or pipe it on standard input');
  if (trimmed.startsWith('{')) {
    const json = fromJson(trimmed);
    if (json) return json;
  }
  const curl = fromCurlVerbose(text.split(/\r?\n/));
  if (curl) return curl;
  return fromRaw(text.replace(/^\s*\n/, ''));
}
