import pino, { type Logger } from 'pino';
import { startCheckpointer } from '../db/checkpointer.js';
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
import { cachedDevCredentials, defaultKeyCacheDir } from './key-cache.js';
import { MerchantDirectory } from './merchant-directory.js';
import { Scheduler } from './scheduler.js';
import {
  DEFAULT_ASYNC_STEP_MS,
  DEFAULT_PROBE_FRACTION,
  loadStoredSettings,
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
  /**
   * `:memory:` only: take the dev keys from this cache directory (`true`: os.tmpdir()/wxpay-kit-emulator-dev-keys),
   * generating them there once, instead of generating four RSA key pairs at every start. Also turned on by the
   * environment variable WXPAY_EMULATOR_KEY_CACHE (`1` or a directory). Off by default.
   */
  keyCache?: boolean | string;
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
  /** Notification delivery bounds (see NotificationOptions). */
  notifications?: NotificationOptions;
}

/** How notifications are delivered; every field has a default. */
export interface NotificationOptions {
  /** A merchant must answer within this many ms (default 5000). */
  timeoutMs?: number;
  /** Attempts in flight at once, all notify URLs together (default 64). */
  concurrency?: number;
  /** Attempts in flight at once to one destination, the notify URL up to its path (default 8): a dead receiver
   * holds only these. */
  perDestination?: number;
  /** Longest real time a clock advance waits with no notification answering (default 2000 ms; at most 15× that in all). */
  advanceWaitMs?: number;
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

/** The fields that are set: optional properties stay absent rather than undefined (exactOptionalPropertyTypes). */
function definedOnly<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function keyCacheDir(option: boolean | string | undefined): string | undefined {
  const chosen = option ?? process.env.WXPAY_EMULATOR_KEY_CACHE;
  if (chosen === undefined || chosen === false || chosen === '' || chosen === '0') return undefined;
  return chosen === true || chosen === '1' || chosen === 'true' ? defaultKeyCacheDir() : chosen;
}

export async function createRuntime(options: RuntimeOptions): Promise<EmulatorRuntime> {
  if (options.credentials && options.dataDir !== MEMORY) {
    throw new Error('createRuntime: ready-made credentials are for :memory: only; a data dir keeps its own');
  }
  const logger = options.logger ?? pino({ level: 'silent' });
  const start = startInstant(options.clock?.start);
  if (options.asyncStepMs !== undefined) checkAsyncStep(options.asyncStepMs);
  const probe = options.probe === undefined ? undefined : probeSettings(options.probe);
  const cacheDir = options.dataDir === MEMORY ? keyCacheDir(options.keyCache) : undefined;
  const credentials =
    options.credentials ??
    (cacheDir ? await cachedDevCredentials(cacheDir) : await loadOrCreateCredentials(options.dataDir));
  const db = openDatabase(options.dataDir);
  try {
    migrate(db, options.families);
    // What `POST /_emulator/settings` saved in this data folder, unless this start's options say otherwise.
    const stored = loadStoredSettings(db);
    const settings: RuntimeSettings = {
      asyncStepMs: options.asyncStepMs ?? stored?.asyncStepMs ?? DEFAULT_ASYNC_STEP_MS,
      allowInsecureNotifyUrls: options.allowInsecureNotifyUrls ?? stored?.allowInsecureNotifyUrls ?? true,
      probe: probe ?? { ...probeSettings(undefined), ...stored?.probe },
      rateLimits: {
        enabled: options.rateLimits ?? stored?.rateLimits?.enabled ?? true,
        perSecond: { ...stored?.rateLimits?.perSecond },
      },
    };
    const clock = new VirtualClock({
      mode: options.clock?.mode ?? 'real',
      ...(start === undefined ? {} : { start }),
      db,
    });
    if (clock.recoveredFrom !== undefined) {
      logger.warn(
        { storedNow: clock.recoveredFrom, now: clock.now() },
        'the stored virtual time was out of range (an advance past year 9999 by an older version); the clock starts again from the start option or wall time',
      );
    }
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
      ...definedOnly({
        timeoutMs: options.notifications?.timeoutMs ?? options.notifyTimeoutMs,
        concurrency: options.notifications?.concurrency,
        perDestination: options.notifications?.perDestination,
      }),
    });
    const scheduler = new Scheduler({
      db,
      clock,
      families: options.families,
      familyDeps,
      worker,
      logger,
      ...definedOnly({ advanceWaitMs: options.notifications?.advanceWaitMs }),
    });
    // An answer may make a retry due at once, and frees a slot for a notification that waited for one.
    worker.onSettled(() => scheduler.wake());
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
    // A data folder's WAL is copied back into its database file off the event loop (db/checkpointer.ts).
    const checkpointer =
      options.dataDir === MEMORY
        ? undefined
        : startCheckpointer(db, db.name, {
            onError: (error) =>
              logger.warn({ err: error }, 'the checkpoint thread stopped; the event loop checkpoints again'),
          });
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
        closing ??= stop().then(async () => {
          journal.flush();
          await checkpointer?.close();
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
