#!/usr/bin/env node
import pino from 'pino';
import { banner } from './banner.js';
import { CliConfigError, parseCliConfig, startOptionsOf, USAGE } from './cli-config.js';
import { startEmulator } from './index.js';

/** The one wrong setting, named on its own line: the whole usage after it would scroll it out of sight. */
function fail(message: string): never {
  process.stderr.write(`wxpay-emulator: ${message}\n(every option: wxpay-emulator --help)\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof parseCliConfig>;
  try {
    config = parseCliConfig(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CliConfigError) fail(error.message);
    throw error;
  }
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // Fastify logs "Server listening at …" at info while it starts, a JSON line above the banner that says the same:
  // at the default level the log starts at warn and takes `info` once the emulator listens (debug and trace keep
  // every startup line).
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const emulator = await startEmulator({ ...startOptionsOf(config), logger });
  logger.level = config.logLevel;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the emulator…\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`wxpay-emulator: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Only now: whoever reads "Press Ctrl+C to stop." may send SIGINT at once, and it must find the handler.
  process.stdout.write(`${banner(emulator, config)}\n`);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    code === 'EADDRINUSE'
      ? 'the port is already in use; pick another with --port (0 = any free port)'
      : (error as Error).message;
  process.stderr.write(`wxpay-emulator: ${message}\n`);
  process.exit(1);
});
