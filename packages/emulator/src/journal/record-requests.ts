import { isOperationName, operations } from '@wxpay-kit/sdk/catalogue';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import type { SignedRequestParts } from '../wire/verify-request.js';
import { SignatureCheckError } from '../wire/verify-request.js';
import { diagnoseSignature, type SignatureDiagnosis } from './diagnose-signature.js';
import type { JournalEntry, Verification } from './journal-store.js';
import { journalHeaders, maskBody } from './mask.js';

/** What the request pipeline learns about a call on its way, for the journal row written once it is answered. */
interface JournalNote {
  time: number;
  virtualTime: number;
  operation: string | null;
  mchid: string | null;
  verification: Verification;
  signature: SignatureDiagnosis | null;
  responseBody: string;
}

const notes = new WeakMap<FastifyRequest, JournalNote>();

/** Requests that are not WeChat Pay API calls: the control API, the dashboard and the health check. */
export function isJournaled(path: string, controlPrefix: string): boolean {
  return !(
    path === '/' ||
    path === '/healthz' ||
    path === controlPrefix ||
    path.startsWith(`${controlPrefix}/`)
  );
}

function noteOf(request: FastifyRequest, runtime: EmulatorRuntime): JournalNote {
  let note = notes.get(request);
  if (!note) {
    note = {
      time: Date.now(),
      virtualTime: runtime.clock.now(),
      operation: null,
      mchid: null,
      verification: 'not-checked',
      signature: null,
      responseBody: '',
    };
    notes.set(request, note);
  }
  return note;
}

/** The pipeline's side: what it matched and who called. */
export const journalOf = (request: FastifyRequest, runtime: EmulatorRuntime) => ({
  operation(name: string) {
    noteOf(request, runtime).operation = name;
  },
  verified(mchid: string) {
    const note = noteOf(request, runtime);
    note.mchid = mchid;
    note.verification = 'verified';
  },
  /** A refused Authorization: diagnose it (only signature errors are). */
  refused(parts: SignedRequestParts, error: unknown) {
    if (!(error instanceof SignatureCheckError)) return;
    const note = noteOf(request, runtime);
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
});

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
 * refused before any route (404, 405, unreadable bodies) are journaled too.
 */
export function registerRequestJournal(
  app: FastifyInstance,
  runtime: EmulatorRuntime,
  controlPrefix: string,
): void {
  const journaled = (request: FastifyRequest) => isJournaled(request.url.split('?', 1)[0]!, controlPrefix);
  // Callback hooks: an async hook costs a promise and a microtask turn on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    if (journaled(request)) noteOf(request, runtime);
    done();
  });
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (journaled(request)) {
      noteOf(request, runtime).responseBody =
        typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    try {
      if (journaled(request)) journal(request, reply);
    } catch (error) {
      // The journal is a courtesy: a failure to note a call is logged, never turned into a failed answer.
      request.log.error({ err: error }, 'journal entry failed');
    }
    done();
  });

  function journal(request: FastifyRequest, reply: FastifyReply): void {
    const note = noteOf(request, runtime);
    const spec =
      note.operation !== null && isOperationName(note.operation) ? operations[note.operation] : undefined;
    const rawBody = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    const entry: JournalEntry = {
      requestId: request.id,
      time: note.time,
      virtualTime: note.virtualTime,
      method: request.method,
      url: request.raw.url ?? request.url,
      mchid: note.mchid,
      operation: note.operation,
      status: reply.statusCode,
      code: errorCode(reply.statusCode, note.responseBody),
      latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      verification: note.verification,
      request: {
        headers: journalHeaders(request.headers),
        body: maskBody(rawBody, spec?.sensitive?.request),
      },
      response: {
        body: maskBody(note.responseBody, spec?.sensitive?.response),
        signed: reply.hasHeader('wechatpay-signature'),
      },
      signature: note.signature,
    };
    runtime.journal.record(entry);
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
  }
}
