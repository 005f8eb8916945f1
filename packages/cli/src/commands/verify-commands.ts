import { parseNotification, WechatPayConfigError, WechatPaySignatureError } from '@wxpay-kit/sdk';
import { getHeader, PlatformKeyring, unixSeconds, verifySignedMessage } from '@wxpay-kit/sdk/protocol';
import type { Command } from 'commander';
import { type HttpCapture, parseHttpCapture } from '../capture/parse-http-capture.js';
import { keyringOptions, type ResolvedConfig } from '../config/resolve-config.js';
import { CliUsageError } from '../exit-codes.js';
import type { CliContext } from './context.js';
import { withCredentialOptions } from './context.js';

function keyringFrom(config: ResolvedConfig): PlatformKeyring {
  const options = keyringOptions(config);
  return new PlatformKeyring({
    ...(options.wechatpayPublicKey ? { publicKey: options.wechatpayPublicKey } : {}),
    ...(options.platformCertificates ? { certificates: options.platformCertificates } : {}),
  });
}

function atSeconds(value: unknown): number {
  if (value === undefined) return unixSeconds();
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new CliUsageError(`--at takes Unix seconds, got "${value}"`);
  return seconds;
}

async function readCapture(context: CliContext, file: string | undefined): Promise<HttpCapture> {
  if (file === undefined && context.streams.stdin.isTTY) {
    throw new CliUsageError('give the capture as a file argument, or pipe it on standard input');
  }
  return parseHttpCapture(await context.readArgument(file === undefined || file === '-' ? '-' : `@${file}`));
}

/**
 * Runs a check over the capture's body as given, and, when that fails with BAD_SIGNATURE and the body ends in
 * newlines, once more without them: editors and shells add one, and saying so saves an afternoon.
 */
async function withTrailingNewlineDiagnosis<T>(
  capture: HttpCapture,
  check: (body: string) => Promise<T>,
): Promise<{ value: T; note?: string }> {
  try {
    return { value: await check(capture.body) };
  } catch (error) {
    const trimmed = capture.body.replace(/(\r?\n)+$/, '');
    if (
      !(error instanceof WechatPaySignatureError) ||
      error.reason !== 'BAD_SIGNATURE' ||
      trimmed === capture.body
    ) {
      throw error;
    }
    let value: T;
    try {
      value = await check(trimmed);
    } catch {
      throw error;
    }
    return {
      value,
      note: 'verified only after removing the trailing newline of the captured body: the capture added it, the sender did not sign it',
    };
  }
}

function signedAttributes(capture: HttpCapture, now: number) {
  const timestamp = Number(getHeader(capture.headers, 'wechatpay-timestamp'));
  return {
    serial: getHeader(capture.headers, 'wechatpay-serial'),
    timestamp,
    nonce: getHeader(capture.headers, 'wechatpay-nonce'),
    ageSeconds: Number.isFinite(timestamp) ? now - timestamp : undefined,
    requestId: getHeader(capture.headers, 'request-id'),
  };
}

export function registerVerifyCommands(program: Command, context: CliContext): void {
  withCredentialOptions(
    program
      .command('verify')
      .summary('check the signature of a captured WeChat Pay response')
      .description(
        'Checks a captured response (raw HTTP, `curl -v` output, or JSON {headers, body}) against the WeChat Pay\n' +
          'public key or platform certificates, and says which check failed.',
      )
      .argument('[capture]', 'file with the captured response; - or nothing for standard input')
      .option('--at <unix-seconds>', 'check the timestamp as of this time (for an old capture)'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  curl -sv https://api.mch.weixin.qq.com/v3/… 2> capture.txt; wxpay-kit verify capture.txt',
    )
    .action(async (file: string | undefined, options: { at?: string }, self: Command) => {
      const output = context.output(self);
      const now = atSeconds(options.at);
      const capture = await readCapture(context, file);
      const keyring = keyringFrom(context.config(self));
      const { note } = await withTrailingNewlineDiagnosis(capture, (body) =>
        verifySignedMessage({ headers: capture.headers, body, keyring, now }),
      );
      const result = { verified: true, ...signedAttributes(capture, now), ...(note ? { note } : {}) };
      if (note) output.note(output.yellow(`warning: ${note}`));
      output.result(result, () =>
        [
          `${output.green('✓')} signature verified (${capture.format})`,
          `  serial     ${result.serial}`,
          `  timestamp  ${result.timestamp} (${result.ageSeconds} s ago)`,
          ...(result.requestId ? [`  Request-ID ${result.requestId}`] : []),
        ].join('\n'),
      );
    });

  const notify = program.command('notify').description('open captured notifications');
  withCredentialOptions(
    notify
      .command('parse')
      .summary('verify and decrypt a captured notification')
      .description(
        'Verifies a captured notification (raw HTTP request, `curl -v` output, or JSON {headers, body}) and\n' +
          'prints the decrypted event. Needs the APIv3 key and the WeChat Pay public key or platform certificates.',
      )
      .argument('[capture]', 'file with the captured notification; - or nothing for standard input')
      .option('--at <unix-seconds>', 'check the timestamp as of this time (for an old capture)'),
  ).action(async (file: string | undefined, options: { at?: string }, self: Command) => {
    const output = context.output(self);
    const now = atSeconds(options.at);
    const capture = await readCapture(context, file);
    const config = context.config(self);
    const keyring = keyringFrom(config);
    const apiV3Key = config.values.apiV3Key;
    if (typeof apiV3Key !== 'string') {
      throw new WechatPayConfigError(
        'apiV3Key',
        'is needed to decrypt notifications: pass --apiv3-key, set WXPAY_KIT_APIV3_KEY, or use a profile that has it',
      );
    }
    const { value: event, note } = await withTrailingNewlineDiagnosis(capture, (body) =>
      parseNotification({ headers: capture.headers, body, keyring, apiV3Key, now }),
    );
    if (note) output.note(output.yellow(`warning: ${note}`));
    const { envelope: _envelope, ...shown } = event;
    output.result(shown);
  });
}
