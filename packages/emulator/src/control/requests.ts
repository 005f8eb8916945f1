import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { formatTime, parseTime } from '../core/format-time.js';
import {
  DEFAULT_PAGE,
  type JournalFilter,
  MAX_PAGE,
  type StoredEntry,
  type Verification,
} from '../journal/journal-store.js';
import { ControlInputError, queryOf } from './control-input.js';

const VERIFICATIONS: readonly Verification[] = ['verified', 'failed', 'not-checked'];
const FILTERS = ['mchid', 'operation', 'status', 'verification', 'since', 'until', 'before', 'limit'];

function instant(text: string, name: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : parseTime(text);
  if (ms === undefined)
    throw new ControlInputError(
      `${name} must be RFC 3339 (2026-01-01T00:00:00+08:00) or epoch ms, got "${text}"`,
    );
  return ms;
}

function positive(text: string, name: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max)
    throw new ControlInputError(`${name} must be an integer from 1 to ${max}, got "${text}"`);
  return n;
}

function filterOf(query: Record<string, string>): JournalFilter {
  const unknown = Object.keys(query).filter((key) => !FILTERS.includes(key));
  if (unknown.length > 0)
    throw new ControlInputError(`unknown filter ${unknown.join(', ')} (allowed: ${FILTERS.join(', ')})`);
  const { mchid, operation, status, verification, since, until, before, limit } = query;
  if (status !== undefined && !/^(\d{3}|[1-5]xx|error)$/i.test(status))
    throw new ControlInputError(`status must be a status (401), a class (4xx) or "error", got "${status}"`);
  if (verification !== undefined && !VERIFICATIONS.includes(verification as Verification))
    throw new ControlInputError(
      `verification must be one of ${VERIFICATIONS.join(', ')}, got "${verification}"`,
    );
  return {
    ...(mchid === undefined ? {} : { mchid }),
    ...(operation === undefined ? {} : { operation }),
    ...(status === undefined ? {} : { status }),
    ...(verification === undefined ? {} : { verification: verification as Verification }),
    ...(since === undefined ? {} : { since: instant(since, 'since') }),
    ...(until === undefined ? {} : { until: instant(until, 'until') }),
    ...(before === undefined ? {} : { before: positive(before, 'before') }),
    ...(limit === undefined ? {} : { limit: positive(limit, 'limit', MAX_PAGE) }),
  };
}

/** A journal row as the control API shows it: times as text too, ids first. */
export function journalView(entry: StoredEntry) {
  const { seq, requestId, time, virtualTime, ...rest } = entry;
  return {
    seq,
    requestId,
    time: new Date(time).toISOString(),
    virtualTime: formatTime(virtualTime),
    ...rest,
  };
}

/** A list row: everything but the bodies and the diagnosis detail (read one row for those). */
function summaryView(entry: StoredEntry) {
  const { request: _request, response: _response, signature, ...rest } = journalView(entry);
  return {
    ...rest,
    signature: signature ? { failedCheck: signature.failedCheck, likelyCause: signature.likelyCause } : null,
  };
}

/** A journal row as `GET /_emulator/requests/:id` answers it. */
export type JournalRow = ReturnType<typeof journalView>;
/** A journal row as `GET /_emulator/requests` lists it. */
export type JournalSummary = ReturnType<typeof summaryView>;

/** The request journal: every API call, newest first, with signature diagnoses. */
export function requestRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.get('/requests', async (request) => {
    const filter = filterOf(queryOf(request));
    const rows = runtime.journal.list(filter);
    // A full page may have more behind it: `next` is the `before` that reads on.
    const full = rows.length === (filter.limit ?? DEFAULT_PAGE);
    return { requests: rows.map(summaryView), next: full ? rows.at(-1)!.seq : null };
  });
  app.get<{ Params: { id: string } }>('/requests/:id', async (request) => {
    const entry = runtime.journal.get(request.params.id);
    if (!entry)
      throw new ControlInputError(
        `no journaled request "${request.params.id}" (a Request-ID or a seq; old rows are pruned)`,
        404,
        'NOT_FOUND',
      );
    return journalView(entry);
  });
}
