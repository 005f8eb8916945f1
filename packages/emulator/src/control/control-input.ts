import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_ECHO_CHARS, parseBoundedJson } from '../wire/bounded-json.js';

/** Messages quote the refused input; a long one is cut (a body may be up to 1 MiB). */
const MAX_MESSAGE_CHARS = 4 * MAX_ECHO_CHARS;

/** A refused control request: 400 unless said otherwise, with a message naming what was wrong. */
export class ControlInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly code = 'INVALID_INPUT',
  ) {
    super(message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message);
  }
}

function parseControlJson(raw: string): unknown {
  try {
    return parseBoundedJson(raw);
  } catch (error) {
    throw new ControlInputError(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The JSON object body of a control request; an empty body is `{}`. */
export function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  const parsed = parseControlJson(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ControlInputError('the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Any JSON value, for family actions that define their own bodies; empty → undefined. */
export function anyJsonBody(request: FastifyRequest): unknown {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (raw.trim() === '') return undefined;
  return parseControlJson(raw);
}

/** Query values as single strings (the last one wins when repeated). */
export function queryOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, string | string[]>)) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) out[name] = last;
  }
  return out;
}

export function rejectUnknownKeys(
  body: Record<string, unknown>,
  allowed: readonly string[],
  what: string,
): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new ControlInputError(
      `${what}: unknown field ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`,
    );
  }
}

export function sendControlError(reply: FastifyReply, error: ControlInputError): FastifyReply {
  return reply.code(error.status).send({ code: error.code, message: error.message });
}
