import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliConfigError, parseCliConfig, startOptionsOf } from '../../src/cli-config.js';

/** The message of the CliConfigError that refuses these flags and variables. */
function refused(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseCliConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(CliConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('CLI configuration: flags, then environment variables, then defaults', () => {
  it('has defaults a first `npm start` can use', () => {
    expect(parseCliConfig([], {})).toEqual({
      help: false,
      port: 8787,
      host: '127.0.0.1',
      dataDir: resolve('.wxpay-emulator'),
      clock: 'real',
      logLevel: 'info',
      probe: undefined,
      controlApi: 'loopback',
      controlToken: undefined,
      journal: { maxRows: 10_000, maxAgeMs: 7 * 24 * 3600 * 1000 },
      limits: {},
      notifications: {},
      keyCache: undefined,
      poolPriority: 'lowered',
    });
  });

  it('reads every setting from the environment', () => {
    const config = parseCliConfig([], {
      WXPAY_EMULATOR_PORT: '9000',
      WXPAY_EMULATOR_HOST: '0.0.0.0',
      WXPAY_EMULATOR_DATA: ':memory:',
      WXPAY_EMULATOR_CLOCK: 'manual',
      WXPAY_EMULATOR_LOG_LEVEL: 'debug',
      WXPAY_EMULATOR_PROBE: '0.5',
      WXPAY_EMULATOR_CONTROL_API: 'open',
      WXPAY_EMULATOR_CONTROL_TOKEN: 'a-team-token-of-some-length',
      WXPAY_EMULATOR_JOURNAL_ROWS: '50',
      WXPAY_EMULATOR_JOURNAL_DAYS: '0.5',
      WXPAY_EMULATOR_POOL_PRIORITY: 'normal',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: ':memory:',
      clock: 'manual',
      logLevel: 'debug',
      probe: 0.5,
      controlApi: 'open',
      controlToken: 'a-team-token-of-some-length',
      journal: { maxRows: 50, maxAgeMs: 12 * 3600 * 1000 },
      poolPriority: 'normal',
    });
  });

  it('lets a flag win over the environment', () => {
    const env = { WXPAY_EMULATOR_PORT: '9000', WXPAY_EMULATOR_LOG_LEVEL: 'silent' };
    expect(parseCliConfig(['--port', '0', '--log-level', 'warn', '--manual-clock'], env)).toMatchObject({
      port: 0,
      logLevel: 'warn',
      clock: 'manual',
    });
    expect(parseCliConfig(['--probe'], {}).probe).toBe(0.1);
  });

  it('names the flag or variable a bad value came from', () => {
    expect(refused([], { WXPAY_EMULATOR_PORT: 'eighty' })).toBe(
      'WXPAY_EMULATOR_PORT must be an integer 0–65535, got "eighty"',
    );
    expect(refused(['--clock', 'fast'])).toMatch(/^--clock must be one of real, manual/);
    expect(refused([], { WXPAY_EMULATOR_CONTROL_API: 'public' })).toMatch(
      /^WXPAY_EMULATOR_CONTROL_API must be/,
    );
    expect(refused(['--control-token', 'short', '--control-api', 'open'])).toMatch(/at least 16/);
    expect(refused(['--control-token', 'long-enough-token-123'])).toMatch(/add --control-api open/);
    expect(refused(['--journal-rows', '0'])).toMatch(/positive integer/);
    expect(refused(['--nope'])).toMatch(/Unknown option '--nope'/);
  });

  it('sets the HTTP server limits and the delivery bounds from flags or variables, only those given', () => {
    const config = parseCliConfig(
      ['--headers-timeout', '2000', '--max-connections', '64', '--notify-per-destination', '2'],
      {
        WXPAY_EMULATOR_REQUEST_TIMEOUT: '9000',
        WXPAY_EMULATOR_IDLE_TIMEOUT: '20000',
        WXPAY_EMULATOR_KEEP_ALIVE_TIMEOUT: '1000',
        WXPAY_EMULATOR_NOTIFY_TIMEOUT: '1500',
        WXPAY_EMULATOR_NOTIFY_CONCURRENCY: '16',
        WXPAY_EMULATOR_NOTIFY_PER_DESTINATION: '4',
        WXPAY_EMULATOR_ADVANCE_WAIT: '0',
      },
    );
    expect(config.limits).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 9000,
      idleTimeoutMs: 20_000,
      keepAliveTimeoutMs: 1000,
      maxConnections: 64,
    });
    expect(config.notifications).toEqual({
      timeoutMs: 1500,
      concurrency: 16,
      perDestination: 2,
      advanceWaitMs: 0,
    });
    expect(parseCliConfig(['--notify-timeout', '100'], {})).toMatchObject({
      limits: {},
      notifications: { timeoutMs: 100 },
    });
  });

  it('refuses a limit or bound that is not a whole number in range, naming the flag or variable', () => {
    expect(refused(['--headers-timeout', '0'])).toBe(
      '--headers-timeout must be a whole number of milliseconds ≥ 1, got "0"',
    );
    expect(refused(['--max-connections', '1.5'])).toBe(
      '--max-connections must be a whole number of connections ≥ 1, got "1.5"',
    );
    expect(refused([], { WXPAY_EMULATOR_NOTIFY_CONCURRENCY: 'many' })).toBe(
      'WXPAY_EMULATOR_NOTIFY_CONCURRENCY must be a whole number of attempts ≥ 1, got "many"',
    );
    expect(refused(['--advance-wait=-1'])).toBe(
      '--advance-wait must be a whole number of milliseconds ≥ 0, got "-1"',
    );
    expect(refused(['--notify-timeout', '1e3'])).toMatch(/^--notify-timeout must be a whole number/);
    expect(refused(['--request-timeout', '99999999999999999999'])).toMatch(/^--request-timeout must be/);
    expect(refused(['--notify-per-destination'])).toMatch(/argument missing/);
  });

  it('--key-cache takes the default folder or a given one, and only with --data :memory:', () => {
    expect(parseCliConfig(['--data', ':memory:', '--key-cache'], {}).keyCache).toBe(true);
    expect(parseCliConfig(['--data', ':memory:', '--key-cache', '--port', '0'], {}).keyCache).toBe(true);
    expect(parseCliConfig(['--data', ':memory:', '--key-cache', 'keys'], {}).keyCache).toBe(resolve('keys'));
    // The variable is left to the emulator, which applies it to :memory: only (it may be set for a whole suite).
    expect(parseCliConfig([], { WXPAY_EMULATOR_KEY_CACHE: '1' }).keyCache).toBeUndefined();
    expect(() => parseCliConfig(['--key-cache'], {})).toThrow(
      '--key-cache is for --data :memory: (a data folder keeps its own keys, reused at every start)',
    );
  });

  it('--pool-priority is lowered or normal, and the emulator is started with it', () => {
    expect(startOptionsOf(parseCliConfig([], {})).lowerThreadPoolPriority).toBe(true);
    expect(startOptionsOf(parseCliConfig(['--pool-priority', 'normal'], {})).lowerThreadPoolPriority).toBe(
      false,
    );
    expect(refused(['--pool-priority', 'high'])).toBe(
      '--pool-priority must be one of lowered, normal, got "high"',
    );
    expect(refused([], { WXPAY_EMULATOR_POOL_PRIORITY: 'low' })).toBe(
      'WXPAY_EMULATOR_POOL_PRIORITY must be one of lowered, normal, got "low"',
    );
  });

  it('starts the emulator with every setting it parsed', () => {
    const config = parseCliConfig(
      [
        '--data',
        ':memory:',
        '--key-cache',
        '--max-connections',
        '8',
        '--notify-per-destination',
        '1',
        '--probe',
        '0.5',
      ],
      {},
    );
    expect(startOptionsOf(config)).toEqual({
      port: 8787,
      host: '127.0.0.1',
      dataDir: ':memory:',
      clock: { mode: 'real' },
      controlApi: 'loopback',
      journal: config.journal,
      probe: 0.5,
      limits: { maxConnections: 8 },
      notifications: { perDestination: 1 },
      keyCache: true,
      lowerThreadPoolPriority: true,
    });
  });
});
