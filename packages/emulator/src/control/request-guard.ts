import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ControlInputError } from './control-input.js';
import { isLoopback, isLoopbackHost, isLoopbackOrigin } from './loopback.js';

const OPEN_HINT =
  "start the emulator with --control-api open (controlApi: 'open') to allow it, with a bearer token";

function forbidden(message: string): ControlInputError {
  return new ControlInputError(message, 403, 'FORBIDDEN');
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Why a control request must be refused in loopback mode, if it must. The control API hands out private keys and
 * changes any record, so only this machine's own tools may use it: not another host, and not a web page in this
 * machine's browser either, which can reach 127.0.0.1 by DNS rebinding (a foreign Host) or by a cross-site form
 * post (a foreign Origin, a body that is not JSON: a form cannot send application/json without CORS).
 */
export function controlRequestRefusal(request: FastifyRequest): ControlInputError | undefined {
  const address = request.socket.remoteAddress;
  if (!isLoopback(address)) {
    return forbidden(
      `the control API answers loopback clients only (this request came from ${address ?? 'an unknown address'}); ${OPEN_HINT}`,
    );
  }
  const host = request.headers.host;
  if (!isLoopbackHost(host)) {
    return forbidden(
      `the control API answers requests addressed to 127.0.0.1, localhost or [::1] only (this one names Host ${host ?? '(none)'}), so that a web page cannot reach it through a DNS name of its own; ${OPEN_HINT}`,
    );
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin)) {
    return forbidden(
      `the control API does not answer web pages of other sites (this request comes from Origin ${origin}); call it from a local tool or a page on 127.0.0.1, localhost or [::1], or ${OPEN_HINT}`,
    );
  }
  const contentType = request.headers['content-type'];
  if (hasBody(request) && !isJson(contentType)) {
    return new ControlInputError(
      `a control request body must be JSON sent as Content-Type: application/json (got ${contentType ?? 'no Content-Type'}); send an empty body when there is nothing to say`,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  }
  return undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * In open mode every control request carries `Authorization: Bearer <token>`. A web page of another site cannot
 * add that header to a request without a CORS preflight the control API never grants, so the token alone also
 * keeps browsers out.
 */
export function bearerRefusal(request: FastifyRequest, token: string): ControlInputError | undefined {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the token's length.
  if (match && timingSafeEqual(digest(match[1]!), digest(token))) return undefined;
  return new ControlInputError(
    match
      ? "the bearer token is not this emulator's control token"
      : "this emulator's control API is open to the network and needs Authorization: Bearer <token> (the token the emulator printed at start, or WXPAY_EMULATOR_CONTROL_TOKEN)",
    401,
    'UNAUTHORIZED',
  );
}
