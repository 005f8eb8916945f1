import type { FastifyReply, FastifyRequest } from 'fastify';

/** A refused control request: 400 unless said otherwise, with a message naming what was wrong. */
export class ControlInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly code = 'INVALID_INPUT',
  ) {
    super(message);
  }
}

/** The JSON object body of a control request; an empty body is `{}`. */
export function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ControlInputError(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ControlInputError('the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Any JSON value, for family actions that define their own bodies; empty → undefined. */
export function anyJsonBody(request: FastifyRequest): unknown {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ControlInputError(`the body is not valid JSON: ${(error as Error).message}`);
  }
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
