import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliUsageError } from '../exit-codes.js';
import type { CliContext } from './context.js';

/** The emulator's own CLI, from the installed `@wxpay-kit/emulator` (an optional peer: only this command needs it). */
function emulatorCliPath(): string {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve('@wxpay-kit/emulator'));
  } catch {
    throw new CliUsageError(
      '`emulator start` needs the emulator package: npm install --save-dev @wxpay-kit/emulator (or npx @wxpay-kit/emulator)',
    );
  }
  return join(dirname(entry), entry.endsWith('.ts') ? 'cli.ts' : 'cli.js');
}

export function registerEmulatorCommands(program: Command, _context: CliContext): void {
  const emulator = program.command('emulator').description('run and drive the local WeChat Pay emulator');

  emulator
    .command('start')
    .summary('start the emulator (the same as npm start in the wxpay-kit repository)')
    .description(
      'Starts @wxpay-kit/emulator in the foreground; every option is passed on (see --help of the emulator).',
    )
    .allowUnknownOption()
    .helpOption(false)
    .argument('[options...]', 'emulator options, e.g. --port 0 --data ./.wxpay-emulator')
    .action(async (args: string[]) => {
      const cli = emulatorCliPath();
      // The same Node with the same loader flags, so that a source checkout (tests) runs the TypeScript entry.
      const child = spawn(process.execPath, [...process.execArgv, cli, ...args], { stdio: 'inherit' });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      const code = await new Promise<number>((resolve) =>
        child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 130 : 1))),
      );
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      process.exitCode = code;
    });
}
