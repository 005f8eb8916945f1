import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClockMode } from './core/virtual-clock.js';
import { DEFAULT_JOURNAL_LIMITS } from './journal/journal-store.js';

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
};

/** `--probe` alone means the default share: parseArgs needs a value, so give it an empty one. */
function normaliseProbe(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) => {
    const next = argv[i + 1];
    return arg === '--probe' && (next === undefined || next.startsWith('--')) ? ['--probe='] : [arg];
  });
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
    values = parseArgs({ args: normaliseProbe(argv), options: OPTIONS, allowPositionals: false }).values;
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
  return {
    help: values.help === true,
    port: Number(port.value),
    host: get('host')?.value ?? '127.0.0.1',
    dataDir: data === ':memory:' ? ':memory:' : resolve(data),
    clock,
    logLevel,
    probe,
    controlApi,
    controlToken: token?.value,
    journal: {
      maxRows: rows ? Number(rows.value) : DEFAULT_JOURNAL_LIMITS.maxRows,
      maxAgeMs: days ? Number(days.value) * DAY_MS : DEFAULT_JOURNAL_LIMITS.maxAgeMs,
    },
  };
}
