/** `@wxpay-kit/cli`: the `wxpay-kit` command. Exported for embedding and tests; most people run the bin. */
export type { CliStreams } from './commands/context.js';
export { EXIT, type ExitCode } from './exit-codes.js';
export { buildProgram, CLI_NAME, runCli } from './program.js';
