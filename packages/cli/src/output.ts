import { inspect } from 'node:util';
import {
  WechatPayApiError,
  WechatPayCertificateError,
  WechatPayConfigError,
  WechatPayDecryptError,
  WechatPayError,
  WechatPaySignatureError,
  WechatPayValidationError,
} from '@wxpay-kit/sdk';
import { exitCodeFor, isEmulatorRefusal, WaitTimeoutError } from './exit-codes.js';
import { explainDecryptFailure, explainSignatureFailure } from './explain-failure.js';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

type Paint = (text: string) => string;

function painter(enabled: boolean, open: number, close: number): Paint {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

/**
 * Where every command writes. Results go to stdout (JSON with `--json`, or when stdout is not a terminal and the
 * result is data); progress and errors go to stderr, so `wxpay-kit … | jq` always sees clean JSON. Colour only on a
 * terminal, never with NO_COLOR set (https://no-color.org), always with FORCE_COLOR.
 */
export class Output {
  readonly json: boolean;
  readonly interactive: boolean;
  readonly bold: Paint;
  readonly dim: Paint;
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly cyan: Paint;

  constructor(
    readonly streams: OutputStreams,
    options: { json: boolean; color?: boolean | undefined },
  ) {
    this.json = options.json;
    this.interactive = streams.stderr.isTTY === true;
    const { env } = streams;
    const color =
      options.color ??
      (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0'
        ? true
        : env['NO_COLOR'] === undefined && streams.stdout.isTTY === true);
    this.bold = painter(color, 1, 22);
    this.dim = painter(color, 2, 22);
    this.red = painter(color, 31, 39);
    this.green = painter(color, 32, 39);
    this.yellow = painter(color, 33, 39);
    this.cyan = painter(color, 36, 39);
  }

  /**
   * A command's result: its human rendering, or JSON with `--json`. Data without a human rendering (an
   * operation's answer, a decrypted event) is printed as indented JSON either way: it is what WeChat Pay sent.
   */
  result(value: unknown, human?: () => string): void {
    const text = this.json || human === undefined ? JSON.stringify(value, null, 2) : human();
    this.streams.stdout.write(`${text}\n`);
  }

  /** A line of text that is the result itself (e.g. a table). */
  line(text = ''): void {
    this.streams.stdout.write(`${text}\n`);
  }

  /** Progress and notes: stderr, so they never mix with the result. */
  note(text: string): void {
    this.streams.stderr.write(`${text}\n`);
  }

  /** A progress line that rewrites itself on a terminal and appends elsewhere. */
  progress(text: string): void {
    if (this.interactive) this.streams.stderr.write(`\r\u001b[2K${text}`);
    else this.streams.stderr.write(`${text}\n`);
  }

  endProgress(): void {
    if (this.interactive) this.streams.stderr.write('\n');
  }

  /** Reports a failure on stderr (and as JSON on stdout with `--json`) and returns the exit code to use. */
  failure(error: unknown): number {
    const code = exitCodeFor(error);
    const described = describeError(error);
    if (this.json) {
      this.streams.stdout.write(`${JSON.stringify({ error: { ...described, exitCode: code } }, null, 2)}\n`);
    }
    const lines = [`${this.red('error')} ${this.bold(described.kind)}: ${described.message}`];
    for (const hint of described.hints) lines.push(`  ${this.dim('→')} ${hint}`);
    this.streams.stderr.write(`${lines.join('\n')}\n`);
    return code;
  }
}

export interface DescribedError {
  kind: string;
  message: string;
  /** Plain-words next steps, one per line. */
  hints: string[];
  [detail: string]: unknown;
}

/** Turns any error into a kind, a message, the structured details a script needs, and hints for a person. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof WechatPayValidationError) {
    return {
      kind: 'invalid input',
      message: error.message,
      operation: error.operation,
      field: error.field,
      issue: error.issue,
      location: error.location,
      hints: ['nothing was sent; fix the field and run again (see --help for its limits)'],
    };
  }
  if (error instanceof WechatPayApiError) {
    return {
      kind: 'API error',
      message: `${error.status} ${error.code}: ${error.message}`,
      status: error.status,
      code: error.code,
      detail: error.detail,
      requestId: error.requestId,
      operation: error.operation,
      hints: [
        ...(error.requestId ? [`Request-ID ${error.requestId} (quote it to WeChat Pay support)`] : []),
        ...(error.retryable ? ['retryable: send the same request again later'] : []),
      ],
    };
  }
  if (error instanceof WechatPaySignatureError) {
    return {
      kind: 'verification failed',
      message: error.message,
      reason: error.reason,
      header: error.header,
      serial: error.serial,
      hints: explainSignatureFailure(error),
    };
  }
  if (error instanceof WechatPayDecryptError) {
    return {
      kind: 'decryption failed',
      message: error.message,
      reason: error.reason,
      hints: explainDecryptFailure(error),
    };
  }
  if (error instanceof WechatPayCertificateError) {
    return { kind: 'platform certificates', message: error.message, reason: error.reason, hints: [] };
  }
  if (error instanceof WechatPayConfigError) {
    return { kind: 'configuration', message: error.message, input: error.input, hints: [] };
  }
  if (isEmulatorRefusal(error)) {
    return {
      kind: 'emulator refused',
      message: error.message,
      status: error.status,
      code: error.code,
      hints:
        error.status === 401
          ? ['this emulator runs with --control-api open: pass --token or set WXPAY_KIT_EMULATOR_TOKEN']
          : [],
    };
  }
  if (error instanceof WaitTimeoutError) {
    return { kind: 'wait timed out', message: error.message, lastState: error.lastState, hints: [] };
  }
  if (error instanceof WechatPayError) {
    return {
      kind: error.name.replace(/^WechatPay|Error$/g, '').toLowerCase() || 'error',
      message: error.message,
      hints: [],
    };
  }
  if (error instanceof Error)
    return { kind: error.name === 'CliUsageError' ? 'usage' : 'error', message: error.message, hints: [] };
  return { kind: 'error', message: inspect(error), hints: [] };
}
