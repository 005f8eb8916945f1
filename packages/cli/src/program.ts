import { SDK_VERSION } from '@wxpay-kit/sdk';
import { Command, CommanderError } from 'commander';
import { registerCertsCommands } from './commands/certs-commands.js';
import { type CliContext, type CliStreams, createContext } from './commands/context.js';
import { registerEmulatorCommands } from './commands/emulator-commands.js';
import { registerOperationCommands } from './commands/operation-commands.js';
import { registerProfileCommands } from './commands/profile-commands.js';
import { registerRequestCommand } from './commands/request-command.js';
import { registerSignCommand } from './commands/sign-command.js';
import { registerVerifyCommands } from './commands/verify-commands.js';
import { CliUsageError, EXIT } from './exit-codes.js';
import { Output } from './output.js';

export const CLI_NAME = 'wxpay-kit';

const EXIT_CODE_HELP = `
Exit codes:
  0  success
  1  unexpected failure (a bug, or an unreadable file)
  2  usage: unknown command or option, unparseable value
  3  invalid input: breaks a catalogue rule, nothing was sent
  4  API error: WeChat Pay (or the emulator's control API) answered with an error code
  5  verification failed: signature, decryption or protocol check; do not trust the answer
  6  network: connection (also to the emulator), timeout or abort; safe to retry
  7  configuration: missing or unreadable credentials
  8  --wait gave up before a final state

Examples:
  wxpay-kit profile add --from-emulator http://127.0.0.1:8787
  wxpay-kit authorizations.get --out_authorization_no 1217752501201407033233368018
  wxpay-kit transferBills.partnerCancel --out_bill_no plfk2020042013 --sub_mchid 1900000211 --wait
  wxpay-kit sign --explain GET /v3/refund/domestic/refunds/123123123123
  wxpay-kit notify parse captured-notification.txt`;

export function buildProgram(context: CliContext): Command {
  const program = new Command(CLI_NAME)
    .description(
      'WeChat Pay APIv3 from a terminal: every catalogue operation, signature debugging, notifications, the emulator',
    )
    .version(SDK_VERSION, '-V, --version')
    .option('--json', 'print results (and errors) as JSON')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also with NO_COLOR set)')
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_CODE_HELP)
    .configureOutput({
      writeOut: (text) => context.streams.stdout.write(text),
      writeErr: (text) => context.streams.stderr.write(text),
    });
  registerOperationCommands(program, context);
  registerRequestCommand(program, context);
  registerSignCommand(program, context);
  registerVerifyCommands(program, context);
  registerCertsCommands(program, context);
  registerProfileCommands(program, context);
  registerEmulatorCommands(program, context);
  program.exitOverride();
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI with these arguments and streams, and resolves with the exit code (it never calls process.exit). */
export async function runCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  const context = createContext(streams);
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "fail" with exit code 0; commander has already printed its own message otherwise.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const json = argv.includes('--json');
    const output = new Output(streams, { json });
    return output.failure(error instanceof CliUsageError ? error : error);
  }
}
