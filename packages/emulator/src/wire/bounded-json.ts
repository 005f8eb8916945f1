/**
 * JSON from the network, bounded. A value nested thousands deep (10 KB of `[`) overflows the stack of every
 * recursive walk that follows the parse (schema checks, canonical JSON, error echoes), so the depth is checked on
 * the text before anything walks it; and what an error echoes back is cut short.
 */

/** Deepest nesting of arrays and objects accepted in an API or control body. WeChat Pay bodies nest 3–4 deep. */
export const MAX_JSON_DEPTH = 64;
/** Longest echo of a refused value (JSON characters) in an error `detail.value` or message. */
export const MAX_ECHO_CHARS = 256;

export class JsonTooDeepError extends Error {
  constructor(readonly maxDepth: number) {
    super(`the JSON is nested deeper than ${maxDepth} levels`);
    this.name = 'JsonTooDeepError';
  }
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when `text` opens more than `maxDepth` arrays/objects at once (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return false;
}

/** JSON.parse, refusing nesting deeper than `maxDepth` (JsonTooDeepError) before parsing. */
export function parseBoundedJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (nestsDeeperThan(text, maxDepth)) throw new JsonTooDeepError(maxDepth);
  return JSON.parse(text);
}

/** A value as an error may echo it: itself when its JSON is short, else the start of its JSON text and `…`. */
export function boundedEcho(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' && value.length > MAX_ECHO_CHARS
      ? `${value.slice(0, MAX_ECHO_CHARS)}…`
      : value;
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return '(not echoed: not serialisable)';
  }
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…` : value;
}

/** Text for a message: JSON.stringify cut to MAX_ECHO_CHARS. */
export function echoText(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return String(value);
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…` : text;
}
