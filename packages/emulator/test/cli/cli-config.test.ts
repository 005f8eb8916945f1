import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliConfigError, parseCliConfig } from '../../src/cli-config.js';

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
    const refused = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      try {
        parseCliConfig(argv, env);
      } catch (error) {
        expect(error).toBeInstanceOf(CliConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
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
});
