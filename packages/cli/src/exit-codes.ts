import {
  WechatPayAbortError,
  WechatPayApiError,
  WechatPayCertificateError,
  WechatPayConfigError,
  WechatPayDecryptError,
  WechatPayNetworkError,
  WechatPayProtocolError,
  WechatPaySignatureError,
  WechatPayTimeoutError,
  WechatPayValidationError,
} from '@wxpay-kit/sdk';

/**
 * One exit code per kind of failure, so that a script can tell "fix your input" from "WeChat Pay said no" from
 * "do not trust this answer" from "try again later". Listed in `wxpay-kit --help` and the README.
 */
export const EXIT = {
  OK: 0,
  /** A failure the CLI did not classify (a bug, or an I/O error such as an unreadable file). */
  FAILURE: 1,
  /** Unknown command or option, or an option value that cannot be parsed. */
  USAGE: 2,
  /** The input breaks a catalogue rule: nothing was sent. */
  INVALID_INPUT: 3,
  /** WeChat Pay (or the emulator) answered with an error status and code. */
  API_ERROR: 4,
  /** A signature, decryption or protocol check failed: the answer or notification must not be trusted. */
  VERIFICATION_FAILED: 5,
  /** The request could not be completed: connection refused, timeout, abort. Safe to retry. */
  NETWORK: 6,
  /** Missing or unreadable credentials or configuration. */
  CONFIG: 7,
  /** `--wait` gave up before the resource reached a final state. */
  WAIT_TIMEOUT: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A problem with how the CLI was invoked (exit 2). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** `--wait` ran out of time (exit 8). */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    message: string,
    readonly lastState: string | undefined,
  ) {
    super(message);
  }
}

/** Nothing answers at the emulator's address (exit 6, like any connection failure). */
export class EmulatorUnreachableError extends Error {
  override readonly name = 'EmulatorUnreachableError';
}

/**
 * The emulator's control API refused (`EmulatorControlError` of `@wxpay-kit/emulator/control-client`: a resource
 * that does not exist, a transition its state does not allow, a wrong token). Recognised by shape, because the
 * emulator is an optional peer that this module must not import.
 */
export function isEmulatorRefusal(
  error: unknown,
): error is Error & { status: number; code: string; body: unknown } {
  return (
    error instanceof Error &&
    error.name === 'EmulatorControlError' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliUsageError) return EXIT.USAGE;
  if (error instanceof EmulatorUnreachableError) return EXIT.NETWORK;
  if (isEmulatorRefusal(error)) return EXIT.API_ERROR;
  if (error instanceof WaitTimeoutError) return EXIT.WAIT_TIMEOUT;
  if (error instanceof WechatPayValidationError) return EXIT.INVALID_INPUT;
  if (error instanceof WechatPayApiError) return EXIT.API_ERROR;
  if (
    error instanceof WechatPaySignatureError ||
    error instanceof WechatPayDecryptError ||
    error instanceof WechatPayCertificateError ||
    error instanceof WechatPayProtocolError
  ) {
    return EXIT.VERIFICATION_FAILED;
  }
  if (
    error instanceof WechatPayNetworkError ||
    error instanceof WechatPayTimeoutError ||
    error instanceof WechatPayAbortError
  ) {
    return EXIT.NETWORK;
  }
  if (error instanceof WechatPayConfigError) return EXIT.CONFIG;
  return EXIT.FAILURE;
}
