import pino, { type Logger } from 'pino';
import { migrate } from '../db/migrate.js';
import { MEMORY, openDatabase } from '../db/open-database.js';
import type { Database, FamilyDeps, FamilyModule } from '../families/family.js';
import { DEFAULT_JOURNAL_LIMITS, type JournalLimits, RequestJournal } from '../journal/journal-store.js';
import { DeliveryWorker } from '../notify/delivery-worker.js';
import { FaultInjector } from '../wire/fault-injection.js';
import { RateLimiter } from '../wire/rate-limit.js';
import type { ReplySigning } from '../wire/reply.js';
import { createResponseSigner, type ResponseSigner } from '../wire/response-signer.js';
import { type Credentials, loadOrCreateCredentials } from './credentials.js';
import { createFamilyDeps } from './family-deps.js';
import { parseTime } from './format-time.js';
import { MerchantDirectory } from './merchant-directory.js';
import { Scheduler } from './scheduler.js';
import {
  DEFAULT_ASYNC_STEP_MS,
  DEFAULT_PROBE_FRACTION,
  type RuntimeSettings,
  rollProbe,
} from './settings.js';
import { type ClockMode, VirtualClock } from './virtual-clock.js';

export interface RuntimeOptions {
  /** A directory (`<dir>/emulator.sqlite`, `<dir>/credentials/`) or `:memory:`. */
  dataDir: string;
  families: readonly FamilyModule[];
  clock?: { mode?: ClockMode; start?: string | number };
  /** A ready set of credentials (tests share one to avoid generating keys per test); only with `:memory:`. */
  credentials?: Credentials;
  logger?: Logger;
  /** `true` = probe 10 % of signed messages; a number = that share (0…1). */
  probe?: boolean | number;
  allowInsecureNotifyUrls?: boolean;
  rateLimits?: boolean;
  asyncStepMs?: number;
  /** Bounds of the request journal (default: 10,000 rows, 7 days). */
  journal?: Partial<JournalLimits>;
  /** The notification worker's fetch (tests). */
  fetch?: typeof fetch;
  notifyTimeoutMs?: number;
}

/** Everything the app, the control API and the scheduler share; built once per emulator. */
export interface EmulatorRuntime {
  dataDir: string;
  db: Database;
  clock: VirtualClock;
  credentials: Credentials;
  directory: MerchantDirectory;
  families: readonly FamilyModule[];
  familyDeps: FamilyDeps;
  settings: RuntimeSettings;
  signer: ResponseSigner;
  signing: ReplySigning;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
  journal: RequestJournal;
  worker: DeliveryWorker;
  scheduler: Scheduler;
  logger: Logger;
  /**
   * Stops the scheduler and abandons the deliveries in flight (they are made again after a restart), then waits
   * for both to wind down. The database stays open for requests still being answered. Idempotent.
   */
  stop(): Promise<void>;
  /** stop(), then closes the database. */
  close(): Promise<void>;
}

function probeSettings(probe: boolean | number | undefined): RuntimeSettings['probe'] {
  if (probe === undefined || probe === false) return { enabled: false, fraction: DEFAULT_PROBE_FRACTION };
  if (probe === true) return { enabled: true, fraction: DEFAULT_PROBE_FRACTION };
  if (!(probe >= 0 && probe <= 1))
    throw new RangeError(`probe must be a boolean or a share between 0 and 1, got ${probe}`);
  return { enabled: probe > 0, fraction: probe };
}

function startInstant(start: string | number | undefined): number | undefined {
  if (start === undefined || typeof start === 'number') return start;
  const ms = parseTime(start);
  if (ms === undefined)
    throw new RangeError(
      `clock.start must be epoch ms or RFC 3339 (2026-01-01T00:00:00+08:00), got "${start}"`,
    );
  return ms;
}

function checkAsyncStep(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`asyncStepMs must be a number of ms ≥ 0, got ${ms}`);
  return ms;
}

export async function createRuntime(options: RuntimeOptions): Promise<EmulatorRuntime> {
  if (options.credentials && options.dataDir !== MEMORY) {
    throw new Error('createRuntime: ready-made credentials are for :memory: only; a data dir keeps its own');
  }
  const logger = options.logger ?? pino({ level: 'silent' });
  const start = startInstant(options.clock?.start);
  const settings: RuntimeSettings = {
    asyncStepMs: checkAsyncStep(options.asyncStepMs ?? DEFAULT_ASYNC_STEP_MS),
    allowInsecureNotifyUrls: options.allowInsecureNotifyUrls ?? true,
    probe: probeSettings(options.probe),
    rateLimits: { enabled: options.rateLimits ?? true, perSecond: {} },
  };
  const credentials = options.credentials ?? (await loadOrCreateCredentials(options.dataDir));
  const db = openDatabase(options.dataDir);
  try {
    migrate(db, options.families);
    const clock = new VirtualClock({
      mode: options.clock?.mode ?? 'real',
      ...(start === undefined ? {} : { start }),
      db,
    });
    const directory = new MerchantDirectory(credentials);
    const signer = createResponseSigner({
      privateKey: directory.platformPrivateKey,
      serial: credentials.platform.publicKeyId,
    });
    const familyDeps = createFamilyDeps({ db, clock, directory, settings });
    const worker = new DeliveryWorker({
      db,
      clock,
      apiV3KeyOf: (mchid) => directory.apiV3KeyOf(mchid),
      signer,
      logger,
      probeFirstAttempt: () => rollProbe(settings.probe),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.notifyTimeoutMs ? { timeoutMs: options.notifyTimeoutMs } : {}),
    });
    const scheduler = new Scheduler({ db, clock, families: options.families, familyDeps, worker, logger });
    let stopping: Promise<void> | undefined;
    // Both are told at once (each marks itself stopped before it waits), so the scheduler's run in progress
    // finds its delivery abandoned instead of waiting out the merchant's answer window.
    const stop = () => {
      stopping ??= Promise.all([scheduler.stop(), worker.close()]).then(() => undefined);
      return stopping;
    };
    const journal = new RequestJournal(db, { ...DEFAULT_JOURNAL_LIMITS, ...options.journal }, (error) =>
      logger.error({ err: error }, 'journal write failed'),
    );
    let closing: Promise<void> | undefined;
    return {
      dataDir: options.dataDir,
      db,
      clock,
      credentials,
      directory,
      families: options.families,
      familyDeps,
      settings,
      signer,
      signing: { signer, probe: () => rollProbe(settings.probe) },
      rateLimiter: new RateLimiter(clock, settings.rateLimits),
      faults: new FaultInjector(db, clock),
      journal,
      worker,
      scheduler,
      logger,
      stop,
      close() {
        closing ??= stop().then(() => {
          journal.flush();
          db.close();
        });
        return closing;
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
