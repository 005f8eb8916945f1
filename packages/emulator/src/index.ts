import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { type AppOptions, buildApp } from './app.js';
import { describeControlActions } from './control/action-catalogue.js';
import { CONTROL_PREFIX } from './control/index.js';
import { type ControlClient, createControlClient } from './control-client/control-client.js';
import { clientOptionsFor, type EmulatorClientOptions } from './core/client-options.js';
import { createRuntime, type NotificationOptions } from './core/create-runtime.js';
import { MERCHANT_KEYS, type MerchantKey } from './core/credentials.js';
import type { RunReport } from './core/scheduler.js';
import { lowerThreadPoolPriority, POOL_THREAD_NICE } from './core/thread-pool-priority.js';
import type { ClockMode } from './core/virtual-clock.js';
import { MEMORY } from './db/open-database.js';
import type { FamilyModule } from './families/family.js';
import type { JournalLimits } from './journal/journal-store.js';
import type { ServerLimits } from './wire/http-limits.js';

export { type AppOptions, buildApp } from './app.js';
export type { ControlActionDescriptor } from './control/action-catalogue.js';
export type { JournalRow, JournalSummary } from './control/requests.js';
export type { FamilyControl } from './control-client/actions.generated.js';
export {
  type ClockView,
  type ControlClient,
  connectEmulator,
  createControlClient,
  EmulatorControlError,
  type FaultInput,
  type RequestFilter,
} from './control-client/control-client.js';
export type { ControlCall, ControlFields, ControlResult } from './control-client/types.js';
export type { EmulatorClientOptions } from './core/client-options.js';
export {
  createRuntime,
  type EmulatorRuntime,
  type NotificationOptions,
  type RuntimeOptions,
} from './core/create-runtime.js';
export {
  type Credentials,
  generateCredentials,
  MERCHANT_KEYS,
  type MerchantKey,
} from './core/credentials.js';
export { DEV_MERCHANTS } from './core/dev-merchants.js';
export { formatTime } from './core/format-time.js';
export type { RunReport, TimerRun } from './core/scheduler.js';
export { type ClockMode, VirtualClock } from './core/virtual-clock.js';
export type { FamilyModule } from './families/family.js';
export type { SignatureDiagnosis } from './journal/diagnose-signature.js';
export { ApiError } from './wire/api-error.js';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './wire/http-limits.js';

export interface StartEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A directory for the database and credentials (reused on the next start), or `:memory:` (default). */
  dataDir?: string;
  /** `real` (default): virtual time runs with wall time; `manual`: it moves only when advanced. */
  clock?: { mode?: ClockMode; start?: string | number };
  /** A pino logger; silent by default. */
  logger?: Logger;
  /** Signature probes: `true` = 10 % of signed messages, or the share 0…1. */
  probe?: boolean | number;
  /** Accept http:// and loopback notify URLs (default true: notifications can reach a local test server). */
  allowInsecureNotifyUrls?: boolean;
  /** `loopback` (default): the control API answers this machine only; `open`: any client with the bearer token. */
  controlApi?: AppOptions['controlApi'];
  /** The bearer token of an open control API; generated when left out (see `RunningEmulator.controlToken`). */
  controlToken?: string;
  /** Enforce the catalogue's rate limits (default true). */
  rateLimits?: boolean;
  /** Delay of automatic system steps (ACCEPTED→PROCESSING, …), virtual ms. */
  asyncStepMs?: number;
  /** The resource families to serve; all four by default. */
  families?: readonly FamilyModule[];
  /** Bounds of the request journal: `maxRows` (default 10,000) and `maxAgeMs` (default 7 days; 0 = none). */
  journal?: Partial<JournalLimits>;
  /** Notification delivery: answer timeout, concurrency bounds, how long a clock advance waits for answers. */
  notifications?: NotificationOptions;
  /** HTTP server timeouts (headers, whole request, idle, keep-alive) and the connection cap. */
  limits?: ServerLimits;
  /**
   * With `:memory:`: reuse dev keys cached in this directory (`true`: os.tmpdir()/wxpay-kit-emulator-dev-keys) instead
   * of generating four RSA key pairs per start; also `WXPAY_EMULATOR_KEY_CACHE=1|<dir>`. Off by default.
   */
  keyCache?: boolean | string;
  /**
   * Lower the priority of this process's libuv thread pool, where answers and notifications are signed, below the
   * event loop's (Linux; see core/thread-pool-priority.ts). Under load the loop is then never starved by its own
   * signing: on 2 cores, reads 1.1× and writes 1.1–1.3× faster than at equal priority. It holds for the whole
   * process and cannot be undone, so it is off by default here and on by default in the `wxpay-emulator` command.
   */
  lowerThreadPoolPriority?: boolean;
}

export interface EmulatorMerchant {
  key: MerchantKey;
  mchid: string;
  kind: string;
  serialNo: string;
  privateKeyPem: string;
  privateKeyPath?: string;
  certificatePem: string;
  apiV3Key: string;
  appid: string;
  subMchids: string[];
}

export interface ClockAdvanceResult extends RunReport {
  /** The virtual time after the advance, epoch ms. */
  now: number;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: the base URL for clients. */
  url: string;
  port: number;
  merchants: Record<MerchantKey, EmulatorMerchant>;
  wechatpayPublicKey: { id: string; pem: string; path?: string };
  /** Options for `new WechatPay(…)` as the given merchant (key such as `ordinary`, or its mchid). */
  clientOptions(key: MerchantKey | string): EmulatorClientOptions;
  clock: {
    now(): number;
    /** Moves virtual time forward; resolves once every timer and notification due on the way has run. */
    advance(ms: number): Promise<ClockAdvanceResult>;
  };
  /**
   * The typed control client: `control.transferBills.fail({ out_bill_no, fail_reason })`, `control.clock.advance`,
   * `control.faults`, `control.notifications`, `control.requests`, `control.reset({ clock: true })`, …
   */
  control: ControlClient;
  /** The bearer token of an open control API (undefined in loopback mode). */
  controlToken: string | undefined;
  close(): Promise<void>;
}

/** Starts an emulator and resolves once it listens. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const runtime = await createRuntime({
    dataDir: options.dataDir ?? MEMORY,
    // Loaded lazily so an emulator with its own families does not load (or depend on) the built-in four.
    families: options.families ?? (await import('./families/registry.js')).families,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.probe === undefined ? {} : { probe: options.probe }),
    ...(options.allowInsecureNotifyUrls === undefined
      ? {}
      : { allowInsecureNotifyUrls: options.allowInsecureNotifyUrls }),
    ...(options.rateLimits === undefined ? {} : { rateLimits: options.rateLimits }),
    ...(options.asyncStepMs === undefined ? {} : { asyncStepMs: options.asyncStepMs }),
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.notifications ? { notifications: options.notifications } : {}),
    ...(options.keyCache === undefined ? {} : { keyCache: options.keyCache }),
  });
  const controlApi = options.controlApi ?? 'loopback';
  if (options.controlToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(options.controlToken)) {
    await runtime.close();
    throw new RangeError('controlToken must be at least 16 printable ASCII characters without spaces');
  }
  const controlToken =
    controlApi === 'open' ? (options.controlToken ?? randomBytes(24).toString('base64url')) : undefined;
  const app = buildApp(runtime, {
    controlApi,
    ...(controlToken ? { controlToken } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  runtime.scheduler.start();
  if (options.lowerThreadPoolPriority === true) {
    const lowered = await lowerThreadPoolPriority();
    runtime.logger.debug({ threads: lowered, nice: POOL_THREAD_NICE }, 'thread pool priority lowered');
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`;
  const { credentials } = runtime;
  const merchants = Object.fromEntries(
    MERCHANT_KEYS.map((key) => {
      const m = credentials.merchants[key];
      const merchant: EmulatorMerchant = {
        key,
        mchid: m.mchid,
        kind: m.kind,
        serialNo: m.serialNo,
        privateKeyPem: m.privateKeyPem,
        ...(m.privateKeyPath ? { privateKeyPath: m.privateKeyPath } : {}),
        certificatePem: m.certificatePem,
        apiV3Key: m.apiV3Key,
        appid: m.appid,
        subMchids: m.subMerchants.map((s) => s.mchid),
      };
      return [key, merchant];
    }),
  ) as Record<MerchantKey, EmulatorMerchant>;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    merchants,
    wechatpayPublicKey: {
      id: credentials.platform.publicKeyId,
      pem: credentials.platform.publicKeyPem,
      ...(credentials.platform.publicKeyPath ? { path: credentials.platform.publicKeyPath } : {}),
    },
    clientOptions(key) {
      const merchant = runtime.directory.resolve(key);
      if (!merchant)
        throw new Error(
          `clientOptions: no merchant "${key}"; use one of ${MERCHANT_KEYS.join(', ')} or their mchids`,
        );
      return clientOptionsFor(merchant.credentials, credentials, url);
    },
    clock: {
      now: () => runtime.clock.now(),
      advance: (ms) => runtime.scheduler.advanceBy(ms),
    },
    control: createControlClient({
      url,
      token: controlToken,
      actions: describeControlActions(runtime.families, CONTROL_PREFIX, credentials),
    }),
    controlToken,
    close() {
      closing ??= (async () => {
        // Stopping first lets a request that waits on the scheduler (a clock advance delivering to a merchant
        // that never answers) finish at once, so app.close() does not wait for it.
        const stopped = runtime.stop();
        await app.close();
        await stopped;
        await runtime.close();
      })();
      return closing;
    },
  };
}
