import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { NotificationOptions } from './core/create-runtime.js';
import type { ClockMode } from './core/virtual-clock.js';
import type { StartEmulatorOptions } from './index.js';
import { DEFAULT_JOURNAL_LIMITS } from './journal/journal-store.js';
import type { ServerLimits } from './wire/http-limits.js';

const DAY_MS = 24 * 3600 * 1000;

export const USAGE = `Usage: wxpay-emulator [options]

Each option can also come from an environment variable (the flag wins when both are set).

  --port <n>              WXPAY_EMULATOR_PORT           port (default 8787; 0 = any free port)
  --host <addr>           WXPAY_EMULATOR_HOST           address to bind (default 127.0.0.1)
  --data <dir>            WXPAY_EMULATOR_DATA           data folder, reused across restarts
                                                        (default ./.wxpay-emulator; ":memory:" for none)
  --clock <mode>          WXPAY_EMULATOR_CLOCK          real (default: virtual time runs with wall time) or
                                                        manual (moves only through POST /_emulator/clock/advance)
  --manual-clock                                        same as --clock manual
  --log-level <level>     WXPAY_EMULATOR_LOG_LEVEL      fatal, error, warn, info (default: one line per API
                                                        call), debug, trace, silent
  --probe [share]         WXPAY_EMULATOR_PROBE          send WECHATPAY/SIGNTEST/ probe signatures on a share of
                                                        signed messages (default 0.1)
  --control-api <mode>    WXPAY_EMULATOR_CONTROL_API    loopback (default: this machine only) or open (any
                                                        client with the bearer token; for a shared instance)
  --control-token <t>     WXPAY_EMULATOR_CONTROL_TOKEN  the token of an open control API (default: generated
                                                        and printed)
  --journal-rows <n>      WXPAY_EMULATOR_JOURNAL_ROWS   request journal: keep at most n calls (default 10000)
  --journal-days <d>      WXPAY_EMULATOR_JOURNAL_DAYS   request journal: drop calls older than d days
                                                        (default 7; 0 = never)
  --key-cache [dir]       WXPAY_EMULATOR_KEY_CACHE      with --data :memory:, take the dev keys from a cache
                                                        folder outside the project, generated there once
                                                        (default folder: <tmp>/wxpay-kit-emulator-dev-keys)
  --pool-priority <p>     WXPAY_EMULATOR_POOL_PRIORITY  lowered (default: the signing thread pool yields to the
                                                        event loop under load, Linux) or normal

HTTP server limits (whole numbers ≥ 1; a client over a timeout is answered 408 or disconnected):
  --headers-timeout <ms>  WXPAY_EMULATOR_HEADERS_TIMEOUT    request line and headers (default 10000)
  --request-timeout <ms>  WXPAY_EMULATOR_REQUEST_TIMEOUT    the whole request, body included (default 30000)
  --idle-timeout <ms>     WXPAY_EMULATOR_IDLE_TIMEOUT       a connection with no traffic (default 60000)
  --keep-alive-timeout <ms>
                          WXPAY_EMULATOR_KEEP_ALIVE_TIMEOUT a kept-alive connection between requests
                                                            (default 5000)
  --max-connections <n>   WXPAY_EMULATOR_MAX_CONNECTIONS    connections open at once (default 512)

Notification delivery:
  --notify-timeout <ms>   WXPAY_EMULATOR_NOTIFY_TIMEOUT     a merchant must answer within this (default 5000)
  --notify-concurrency <n>
                          WXPAY_EMULATOR_NOTIFY_CONCURRENCY attempts in flight at once (default 64)
  --notify-per-destination <n>
                          WXPAY_EMULATOR_NOTIFY_PER_DESTINATION
                                                            attempts in flight to one notify URL's scheme,
                                                            host and port (default 8)
  --advance-wait <ms>     WXPAY_EMULATOR_ADVANCE_WAIT       how long a clock advance waits with no answer
                                                            (default 2000; 0 = not at all)

  --help                  show this text`;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface CliConfig {
  help: boolean;
  port: number;
  host: string;
  /** An absolute path, or `:memory:`. */
  dataDir: string;
  clock: ClockMode;
  logLevel: (typeof LOG_LEVELS)[number];
  probe: number | undefined;
  controlApi: 'loopback' | 'open';
  controlToken: string | undefined;
  journal: { maxRows: number; maxAgeMs: number };
  /** Only the limits given; the others keep their defaults. */
  limits: ServerLimits;
  /** Only the delivery settings given; the others keep their defaults. */
  notifications: NotificationOptions;
  /** `true` = the default folder; undefined = not asked for by a flag (the variable is read by the emulator). */
  keyCache: true | string | undefined;
  /** `lowered`: the thread pool runs at a lower priority than the event loop (core/thread-pool-priority.ts). */
  poolPriority: 'lowered' | 'normal';
}

/** A refused option: the CLI prints it with the usage and exits with 2. */
export class CliConfigError extends Error {}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  clock: { type: 'string' },
  'manual-clock': { type: 'boolean' },
  'log-level': { type: 'string' },
  probe: { type: 'string' },
  'control-api': { type: 'string' },
  'control-token': { type: 'string' },
  'journal-rows': { type: 'string' },
  'journal-days': { type: 'string' },
  'key-cache': { type: 'string' },
  'pool-priority': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
  'notify-timeout': { type: 'string' },
  'notify-concurrency': { type: 'string' },
  'notify-per-destination': { type: 'string' },
  'advance-wait': { type: 'string' },
  help: { type: 'boolean' },
} as const;

const ENV: Partial<Record<keyof typeof OPTIONS, string>> = {
  port: 'WXPAY_EMULATOR_PORT',
  host: 'WXPAY_EMULATOR_HOST',
  data: 'WXPAY_EMULATOR_DATA',
  clock: 'WXPAY_EMULATOR_CLOCK',
  'log-level': 'WXPAY_EMULATOR_LOG_LEVEL',
  probe: 'WXPAY_EMULATOR_PROBE',
  'control-api': 'WXPAY_EMULATOR_CONTROL_API',
  'control-token': 'WXPAY_EMULATOR_CONTROL_TOKEN',
  'journal-rows': 'WXPAY_EMULATOR_JOURNAL_ROWS',
  'journal-days': 'WXPAY_EMULATOR_JOURNAL_DAYS',
  'pool-priority': 'WXPAY_EMULATOR_POOL_PRIORITY',
  'headers-timeout': 'WXPAY_EMULATOR_HEADERS_TIMEOUT',
  'request-timeout': 'WXPAY_EMULATOR_REQUEST_TIMEOUT',
  'idle-timeout': 'WXPAY_EMULATOR_IDLE_TIMEOUT',
  'keep-alive-timeout': 'WXPAY_EMULATOR_KEEP_ALIVE_TIMEOUT',
  'max-connections': 'WXPAY_EMULATOR_MAX_CONNECTIONS',
  'notify-timeout': 'WXPAY_EMULATOR_NOTIFY_TIMEOUT',
  'notify-concurrency': 'WXPAY_EMULATOR_NOTIFY_CONCURRENCY',
  'notify-per-destination': 'WXPAY_EMULATOR_NOTIFY_PER_DESTINATION',
  'advance-wait': 'WXPAY_EMULATOR_ADVANCE_WAIT',
};

/** Flags whose value may be left out (`--probe`, `--key-cache`): parseArgs needs one, so they get an empty one. */
const OPTIONAL_VALUE = new Set(['--probe', '--key-cache']);

function normaliseOptionalValues(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) => {
    const next = argv[i + 1];
    return OPTIONAL_VALUE.has(arg) && (next === undefined || next.startsWith('--')) ? [`${arg}=`] : [arg];
  });
}

/** A flag, the option field it sets, its least value and its unit (for the error). */
type NumberFlag = readonly [keyof typeof OPTIONS, string, number, string];

const LIMIT_FLAGS: readonly NumberFlag[] = [
  ['headers-timeout', 'headersTimeoutMs', 1, 'milliseconds'],
  ['request-timeout', 'requestTimeoutMs', 1, 'milliseconds'],
  ['idle-timeout', 'idleTimeoutMs', 1, 'milliseconds'],
  ['keep-alive-timeout', 'keepAliveTimeoutMs', 1, 'milliseconds'],
  ['max-connections', 'maxConnections', 1, 'connections'],
] satisfies ReadonlyArray<readonly [keyof typeof OPTIONS, keyof ServerLimits, number, string]>;

const NOTIFICATION_FLAGS: readonly NumberFlag[] = [
  ['notify-timeout', 'timeoutMs', 1, 'milliseconds'],
  ['notify-concurrency', 'concurrency', 1, 'attempts'],
  ['notify-per-destination', 'perDestination', 1, 'attempts'],
  ['advance-wait', 'advanceWaitMs', 0, 'milliseconds'],
] satisfies ReadonlyArray<readonly [keyof typeof OPTIONS, keyof NotificationOptions, number, string]>;

/** A whole number ≥ `min` (milliseconds or a count), or a refusal naming where the value came from. */
function wholeNumber(option: { value: string; source: string }, min: number, unit: string): number {
  const value = Number(option.value);
  if (!/^\d+$/.test(option.value) || !Number.isSafeInteger(value) || value < min)
    throw new CliConfigError(
      `${option.source} must be a whole number of ${unit} ≥ ${min}, got "${option.value}"`,
    );
  return value;
}

function oneOf<const T extends readonly string[]>(value: string, allowed: T, what: string): T[number] {
  if (!allowed.includes(value))
    throw new CliConfigError(`${what} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T[number];
}

/** Flags, then environment variables, then defaults; every value checked with a message naming its source. */
export function parseCliConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: normaliseOptionalValues(argv),
      options: OPTIONS,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new CliConfigError((error as Error).message);
  }
  /** The raw value and how to name it in an error. */
  const get = (name: keyof typeof OPTIONS): { value: string; source: string } | undefined => {
    const flag = values[name];
    if (typeof flag === 'string') return { value: flag, source: `--${name}` };
    const variable = ENV[name];
    const fromEnv = variable ? env[variable] : undefined;
    return fromEnv !== undefined && fromEnv !== '' ? { value: fromEnv, source: variable! } : undefined;
  };
  const port = get('port') ?? { value: '8787', source: '--port' };
  if (!/^\d+$/.test(port.value) || Number(port.value) > 65535)
    throw new CliConfigError(`${port.source} must be an integer 0–65535, got "${port.value}"`);
  const data = get('data')?.value ?? './.wxpay-emulator';
  const clockOption = get('clock');
  const clock = values['manual-clock']
    ? 'manual'
    : clockOption
      ? oneOf(clockOption.value, ['real', 'manual'] as const, clockOption.source)
      : 'real';
  const level = get('log-level');
  const logLevel = level ? oneOf(level.value, LOG_LEVELS, level.source) : 'info';
  const probeOption = get('probe');
  let probe: number | undefined;
  if (probeOption) {
    probe = probeOption.value === '' ? 0.1 : Number(probeOption.value);
    if (!(probe >= 0 && probe <= 1))
      throw new CliConfigError(
        `${probeOption.source} takes a share between 0 and 1, got "${probeOption.value}"`,
      );
  }
  const api = get('control-api');
  const controlApi = api ? oneOf(api.value, ['loopback', 'open'] as const, api.source) : 'loopback';
  const token = get('control-token');
  if (token && !/^[\x21-\x7e]{16,}$/.test(token.value))
    throw new CliConfigError(`${token.source} must be at least 16 printable characters without spaces`);
  if (token && controlApi !== 'open')
    throw new CliConfigError(`${token.source} is for an open control API: add --control-api open`);
  const rows = get('journal-rows');
  if (rows && (!/^\d+$/.test(rows.value) || Number(rows.value) < 1))
    throw new CliConfigError(`${rows.source} must be a positive integer, got "${rows.value}"`);
  const days = get('journal-days');
  if (days && !(Number(days.value) >= 0))
    throw new CliConfigError(`${days.source} must be a number of days ≥ 0, got "${days.value}"`);
  const pool = get('pool-priority');
  const poolPriority = pool ? oneOf(pool.value, ['lowered', 'normal'] as const, pool.source) : 'lowered';
  /** The whole-number flags of one options object that are set, checked. */
  const numbers = (flags: readonly NumberFlag[]) =>
    Object.fromEntries(
      flags.flatMap(([name, field, min, unit]) => {
        const option = get(name);
        return option ? [[field, wholeNumber(option, min, unit)]] : [];
      }),
    );
  const limits: ServerLimits = numbers(LIMIT_FLAGS);
  const notifications: NotificationOptions = numbers(NOTIFICATION_FLAGS);
  const dataDir = data === ':memory:' ? ':memory:' : resolve(data);
  const keyCacheFlag = values['key-cache'];
  const keyCache =
    typeof keyCacheFlag === 'string' ? keyCacheFlag === '' || resolve(keyCacheFlag) : undefined;
  // The variable may be set for a whole test suite, so only the flag is refused with a data folder.
  if (keyCache !== undefined && dataDir !== ':memory:')
    throw new CliConfigError(
      '--key-cache is for --data :memory: (a data folder keeps its own keys, reused at every start)',
    );
  return {
    help: values.help === true,
    port: Number(port.value),
    host: get('host')?.value ?? '127.0.0.1',
    dataDir,
    clock,
    logLevel,
    probe,
    controlApi,
    controlToken: token?.value,
    journal: {
      maxRows: rows ? Number(rows.value) : DEFAULT_JOURNAL_LIMITS.maxRows,
      maxAgeMs: days ? Number(days.value) * DAY_MS : DEFAULT_JOURNAL_LIMITS.maxAgeMs,
    },
    limits,
    notifications,
    keyCache,
    poolPriority,
  };
}

/** What the CLI starts the emulator with (the logger aside, which it makes from `logLevel`). */
export function startOptionsOf(config: CliConfig): StartEmulatorOptions {
  return {
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    clock: { mode: config.clock },
    controlApi: config.controlApi,
    ...(config.controlToken ? { controlToken: config.controlToken } : {}),
    journal: config.journal,
    ...(config.probe === undefined ? {} : { probe: config.probe }),
    limits: config.limits,
    notifications: config.notifications,
    ...(config.keyCache === undefined ? {} : { keyCache: config.keyCache }),
    lowerThreadPoolPriority: config.poolPriority === 'lowered',
  };
}
