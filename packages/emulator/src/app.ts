import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { CONTROL_PREFIX, registerControlApi } from './control/index.js';
import type { EmulatorRuntime } from './core/create-runtime.js';
import { registerDashboard } from './dashboard/serve-dashboard.js';
import { runInTransaction } from './db/transaction.js';
import type { OperationCall, OperationHandler } from './families/family.js';
import { healthRoute } from './health.js';
import { journalOf, journalRouterRefusal, registerRequestJournal } from './journal/record-requests.js';
import { ApiError } from './wire/api-error.js';
import {
  answerSerial,
  CERTIFICATES_OPERATION,
  CERTIFICATES_RATE_LIMIT,
  certificatesBody,
  platformCertificatesOf,
} from './wire/certificates.js';
import { decryptSensitive } from './wire/decrypt-sensitive.js';
import {
  answerClientError,
  applyServerLimits,
  fastifyServerOptions,
  type ServerLimits,
  serverLimits,
} from './wire/http-limits.js';
import { sendError, sendReply, toApiError } from './wire/reply.js';
import { newRequestId } from './wire/request-id.js';
import { checkRoles } from './wire/roles.js';
import { MethodNotAllowedError, matchRoute } from './wire/route-match.js';
import { validateRequest } from './wire/validate-request.js';
import { verifyRequest } from './wire/verify-request.js';

export interface AppOptions {
  /** `loopback` (default): the control API answers only clients on this machine; `open`: any with the token. */
  controlApi?: 'loopback' | 'open';
  /** The bearer token every control request needs when `controlApi` is `open`. */
  controlToken?: string;
  /** Timeouts and the connection cap of the HTTP server. */
  limits?: ServerLimits;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The WeChat Pay side: every step of the request pipeline, in order. */
async function handleApiRequest(
  runtime: EmulatorRuntime,
  handlers: ReadonlyMap<string, OperationHandler>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { directory, credentials, signing } = runtime;
  const rawUrl = request.raw.url ?? request.url;
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  // The key the request names signs the answer (spec §2.5): a certificate serial or the public key id.
  const certificates = platformCertificatesOf(runtime);
  const requestedSerial = header(request, 'wechatpay-serial');
  const serialFor = (download: boolean) =>
    answerSerial(requestedSerial, {
      publicKeyId: credentials.platform.publicKeyId,
      certificates,
      download,
    });
  let serial = serialFor(false);
  // Only an answer to a request whose Authorization verified is signed (spec §4.4).
  let verified = false;
  const journal = journalOf(request, runtime);
  try {
    const route = matchRoute(request.method, rawUrl);
    journal.operation(route.kind === 'certificates' ? CERTIFICATES_OPERATION : route.operation.name);
    const parts = {
      method: request.method,
      rawUrl,
      rawBody,
      authorization: header(request, 'authorization'),
    };
    const caller = await verifyRequest(parts, { directory, now: () => runtime.clock.now() }).catch(
      (error: unknown) => {
        journal.refused(parts, error);
        throw error;
      },
    );
    verified = true;
    journal.verified(caller.info.mchid);
    if (route.kind === 'certificates') {
      serial = serialFor(true);
      runtime.rateLimiter.take(
        caller.info.mchid,
        CERTIFICATES_OPERATION,
        CERTIFICATES_RATE_LIMIT,
        '频率超限',
      );
      runtime.faults.check(CERTIFICATES_OPERATION);
      const body = certificatesBody(
        rawUrl,
        certificates.listed(runtime.clock.now()),
        caller.credentials.apiV3Key,
      );
      return await sendReply(reply, signing, 200, body, { sign: true, serial });
    }
    const { operation } = route;
    const limited =
      operation.errors.find((e) => e.code === operation.rateLimit.code)?.description ?? '频率超限';
    runtime.rateLimiter.take(caller.info.mchid, operation.name, operation.rateLimit, limited);
    runtime.faults.check(operation.name);
    const input = validateRequest(
      operation,
      { params: route.params, rawUrl, rawBody, wechatpaySerial: header(request, 'wechatpay-serial') },
      {
        publicKeyId: credentials.platform.publicKeyId,
        // Any listed certificate (all share the platform key pair): during a rotation both are accepted.
        certificateSerial: certificates.lists(requestedSerial, runtime.clock.now())
          ? requestedSerial!.toUpperCase()
          : certificates.current.serial,
      },
    );
    checkRoles(operation, caller, input);
    decryptSensitive(operation, input.body, directory.platformPrivateKey);
    const handler = handlers.get(operation.name);
    if (!handler)
      throw new ApiError(
        501,
        'NOT_IMPLEMENTED',
        `${operation.name} 未在此模拟器中实现 (no family handles it)`,
      );
    const call: OperationCall = {
      operation,
      caller: { mchid: caller.info.mchid, role: operation.role, merchant: caller.info },
      ...input,
      headers: request.headers,
    };
    // A GET only reads: one synchronous handler on the only connection sees a consistent state without a
    // transaction, and BEGIN IMMEDIATE … COMMIT around it cost about 7 % of a read. Nor can it have queued a
    // notification or a timer, so only a write wakes the scheduler.
    let result: ReturnType<OperationHandler>;
    if (operation.method === 'GET') result = handler(runtime.familyDeps, call);
    else {
      result = runInTransaction(runtime.db, () => handler(runtime.familyDeps, call));
      runtime.scheduler.wake();
    }
    return await sendReply(reply, signing, result.status, result.body, { sign: true, serial });
  } catch (error) {
    if (!(error instanceof ApiError)) request.log.error({ err: error }, 'request failed');
    if (error instanceof MethodNotAllowedError) reply.header('allow', error.allow.join(', '));
    return sendError(reply, signing, toApiError(error), { sign: verified, serial });
  }
}

/**
 * The emulator's HTTP app. Raw bodies are kept as Buffers for every content type, because the signature covers
 * the bytes as sent; every response carries a `Request-ID`.
 */
export function buildApp(runtime: EmulatorRuntime, options: AppOptions = {}): FastifyInstance {
  const limits = serverLimits(options.limits);
  const app = Fastify({
    ...fastifyServerOptions(limits),
    clientErrorHandler: answerClientError,
    loggerInstance: runtime.logger as FastifyBaseLogger,
    genReqId: newRequestId,
    logController: new LogController({ disableRequestLogging: true }),
    // A child logger per request only when something can be logged: binding the reqId cost a pino child (and
    // its serialised bindings) on every call of a silent emulator, the library's default.
    childLoggerFactory: (logger, bindings, options) =>
      (logger as { level?: string }).level === 'silent' ? logger : logger.child(bindings, options),
    // The router's own refusals (a path that is not valid percent-encoding, an over-long parameter) happen
    // before any hook: answer them in APIv3 shape too, with a Request-ID, unsigned (nothing was verified).
    frameworkErrors: (error, request, reply) => {
      reply.header('Request-ID', request.id);
      journalRouterRefusal(request, reply, runtime, CONTROL_PREFIX);
      return sendError(
        reply,
        runtime.signing,
        new ApiError(400, 'INVALID_REQUEST', `请求的URL无法解析：${error.message}`, { location: 'url' }),
        { sign: false },
      );
    },
  });
  applyServerLimits(app.server, limits);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Hooks in callback form: an async hook costs a promise and a microtask turn on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('Request-ID', request.id);
    done();
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    // Fastify's own refusals (body too large, unreadable body or content type) come before verification: an
    // APIv3-shaped, unsigned answer. Apart from 413, they become the documented 400 INVALID_REQUEST ("not per the
    // APIv3 rules").
    const fastifyStatus = error.statusCode ?? 500;
    if (fastifyStatus >= 500 || fastifyStatus < 400) request.log.error({ err: error }, 'unhandled error');
    const apiError =
      fastifyStatus >= 500 || fastifyStatus < 400
        ? toApiError(error)
        : fastifyStatus === 413
          ? new ApiError(413, 'PARAM_ERROR', error.message)
          : new ApiError(400, 'INVALID_REQUEST', error.message);
    return sendError(reply, runtime.signing, apiError, { sign: false });
  });

  registerRequestJournal(app, runtime, CONTROL_PREFIX);
  healthRoute(app, runtime);
  registerControlApi(app, runtime, {
    controlApi: options.controlApi ?? 'loopback',
    controlToken: options.controlToken,
  });
  registerDashboard(app, { prefix: CONTROL_PREFIX, controlApi: options.controlApi ?? 'loopback' });

  const handlers = new Map<string, OperationHandler>();
  for (const family of runtime.families) {
    for (const [name, handler] of Object.entries(family.operations)) handlers.set(name, handler);
  }
  app.route({
    method: [...METHODS],
    url: '/*',
    handler: (request, reply) => handleApiRequest(runtime, handlers, request, reply),
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      runtime.signing,
      new ApiError(404, 'NOT_FOUND', `请求的接口不存在：${request.method} ${request.url}`),
      { sign: false },
    ),
  );
  return app;
}
