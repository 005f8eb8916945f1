import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from './api-error.js';
import type { ResponseSigner } from './response-signer.js';

export interface ReplySigning {
  signer: ResponseSigner;
  /** Decides, per signed response, whether to send a `WECHATPAY/SIGNTEST/` probe instead of a signature. */
  probe: () => boolean;
}

export interface ReplyOptions {
  /** Sign the body: every answer to a request whose Authorization verified, and nothing else. */
  sign: boolean;
  /** `Wechatpay-Serial` to answer with, when not the public key id (certificate-mode clients). */
  serial?: string | undefined;
}

declare module 'fastify' {
  interface FastifyReply {
    /** The exact text `sendReply` sent ('' for none): the request journal keeps it without an onSend hook. */
    sentText: string;
  }
}

/** Declares `reply.sentText` on every reply of the app (a decorator, so that replies keep a single shape). */
export function declareSentText(app: FastifyInstance): void {
  app.decorateReply('sentText', '');
}

/**
 * Serialises once, signs exactly those bytes, and sends them unchanged: re-serialising after signing is how
 * signatures break. A missing body (204) is signed as the empty string.
 */
export async function sendReply(
  reply: FastifyReply,
  signing: ReplySigning,
  status: number,
  body: unknown,
  options: ReplyOptions,
): Promise<FastifyReply> {
  const text = body === undefined || status === 204 ? '' : JSON.stringify(body);
  if (options.sign) {
    const headers = await signing.signer.sign(text, { probe: signing.probe(), serial: options.serial });
    reply.headers(headers);
  }
  reply.code(status);
  reply.sentText = text;
  if (text === '') return reply.send();
  return reply.header('content-type', 'application/json; charset=utf-8').send(text);
}

/**
 * An APIv3 error body `{code, message, detail?}`, signed only when the request verified (`options.sign`): a 401
 * SIGN_ERROR never is, as WeChat Pay sends it, nor is anything refused before the Authorization was checked.
 */
export function sendError(
  reply: FastifyReply,
  signing: ReplySigning,
  error: ApiError,
  options: ReplyOptions,
): Promise<FastifyReply> {
  return sendReply(reply, signing, error.status, error.toBody(), {
    sign: options.sign && error.status !== 401,
    serial: options.serial,
  });
}

/**
 * Anything that is not an ApiError is a bug or an outage: answer 500 SYSTEM_ERROR like WeChat Pay would, with the
 * text of the common error table (catalogue COMMON_ERRORS).
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(500, 'SYSTEM_ERROR', '系统异常,请稍后重试');
}
