import { isOperationName, operations } from '@wxpay-kit/sdk/catalogue';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { declareSentText } from '../wire/reply.js';
import type { SignedRequestParts } from '../wire/verify-request.js';
import { SignatureCheckError } from '../wire/verify-request.js';
import { diagnoseSignature, type SignatureDiagnosis } from './diagnose-signature.js';
import type { JournalEntry, Verification } from './journal-store.js';
import { journalHeaders, maskBody } from './mask.js';

/** What the request pipeline learns about a call on its way, for the journal row written once it is answered. */
export interface JournalNote {
  time: number;
  virtualTime: number;
  operation: string | null;
  mchid: string | null;
  verification: Verification;
  signature: SignatureDiagnosis | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The journal's note of an API call; null for the control API, the dashboard and the health check. */
    journalNote: JournalNote | null;
  }
}

/** Requests that are not WeChat Pay API calls: the control API, the dashboard and the health check. */
export function isJournaled(path: string, controlPrefix: string): boolean {
  return !(
    path === '/' ||
    path === '/healthz' ||
    path === controlPrefix ||
    path.startsWith(`${controlPrefix}/`)
  );
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function newNote(runtime: EmulatorRuntime): JournalNote {
  return {
    time: Date.now(),
    virtualTime: runtime.clock.now(),
    operation: null,
    mchid: null,
    verification: 'not-checked',
    signature: null,
  };
}

/** What the pipeline tells a request's journal note; nothing for a request that is not journaled. */
export interface JournalNotes {
  operation(name: string): void;
  verified(mchid: string): void;
  /** A refused Authorization: diagnose it (only signature errors are). */
  refused(parts: SignedRequestParts, error: unknown): void;
}

const NOT_JOURNALED: JournalNotes = { operation() {}, verified() {}, refused() {} };

/** The pipeline's side: what it matched and who called. */
export function journalOf(request: FastifyRequest, runtime: EmulatorRuntime): JournalNotes {
  const note = request.journalNote;
  if (note === null) return NOT_JOURNALED;
  return {
    operation(name) {
      note.operation = name;
    },
    verified(mchid) {
      note.mchid = mchid;
      note.verification = 'verified';
    },
    refused(parts, error) {
      if (!(error instanceof SignatureCheckError)) return;
      note.verification = 'failed';
      note.mchid = error.authorization?.mchid ?? null;
      try {
        note.signature = diagnoseSignature(parts, error, {
          directory: runtime.directory,
          now: runtime.clock.now(),
          wallNow: Date.now(),
          host: request.headers.host,
        });
      } catch (diagnosisError) {
        // A diagnosis is a courtesy: never let it change the answer.
        request.log.error({ err: diagnosisError }, 'signature diagnosis failed');
      }
    },
  };
}

function errorCode(status: number, body: string): string | null {
  if (status < 400 || body === '') return null;
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/**
 * Journals every API call once answered (one row, one `info` log line). Registered on the root app, so requests
 * refused before any route (404, 405, unreadable bodies) are journaled too. The response text is the one
 * `sendReply` sent (`reply.sentText`): every answer of the API side goes through it, and an onSend hook on every
 * request cost more than the row's own work.
 */
export function registerRequestJournal(
  app: FastifyInstance,
  runtime: EmulatorRuntime,
  controlPrefix: string,
): void {
  app.decorateRequest('journalNote', null);
  declareSentText(app);
  // Callback hooks: an async hook costs a promise and a microtask turn on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    if (isJournaled(pathOf(request.url), controlPrefix)) request.journalNote = newNote(runtime);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const note = request.journalNote;
    if (note !== null) journalQuietly(request, reply, note, runtime, reply.elapsedTime);
    done();
  });
}

/**
 * A path the router cannot decode is refused before any hook runs (Fastify's `frameworkErrors`): neither
 * onRequest nor onResponse sees it. The frameworkErrors handler calls this before answering, so that the answer
 * is journaled like any other.
 */
export function journalRouterRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  runtime: EmulatorRuntime,
  controlPrefix: string,
): void {
  if (!isJournaled(pathOf(request.url), controlPrefix)) return;
  const note = newNote(runtime);
  request.journalNote = note;
  // No response listener times this reply (elapsedTime stays 0): time it here.
  const started = performance.now();
  reply.raw.once('finish', () => journalQuietly(request, reply, note, runtime, performance.now() - started));
}

/** Writes the row and the log line; a failure to note a call is logged, never turned into a failed answer. */
function journalQuietly(
  request: FastifyRequest,
  reply: FastifyReply,
  note: JournalNote,
  runtime: EmulatorRuntime,
  latencyMs: number,
): void {
  try {
    const spec =
      note.operation !== null && isOperationName(note.operation) ? operations[note.operation] : undefined;
    const rawBody = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    const status = reply.statusCode;
    const responseBody = reply.sentText;
    const entry: JournalEntry = {
      requestId: request.id,
      time: note.time,
      virtualTime: note.virtualTime,
      method: request.method,
      url: request.raw.url ?? request.url,
      mchid: note.mchid,
      operation: note.operation,
      status,
      code: errorCode(status, responseBody),
      latencyMs: Math.round(latencyMs * 100) / 100,
      verification: note.verification,
      request: {
        headers: journalHeaders(request.headers),
        body: maskBody(rawBody, spec?.sensitive?.request),
      },
      response: {
        body: maskBody(responseBody, spec?.sensitive?.response),
        signed: reply.hasHeader('wechatpay-signature'),
      },
      signature: note.signature,
    };
    runtime.journal.record(entry);
    // The default logger is silent: build the line only for a logger that writes it.
    if (!runtime.logger.isLevelEnabled('info')) return;
    request.log.info(
      {
        method: entry.method,
        url: entry.url,
        mchid: entry.mchid,
        operation: entry.operation,
        status: entry.status,
        code: entry.code,
        latencyMs: entry.latencyMs,
        verification: entry.verification,
        ...(entry.signature
          ? { failedCheck: entry.signature.failedCheck, likelyCause: entry.signature.likelyCause }
          : {}),
      },
      'request',
    );
  } catch (error) {
    request.log.error({ err: error }, 'journal entry failed');
  }
}
