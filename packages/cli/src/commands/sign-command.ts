import {
  buildAuthorization,
  buildRequestSignMessage,
  generateNonce,
  loadPrivateKey,
  signSha256WithRsa,
  unixSeconds,
} from '@wxpay-kit/sdk/protocol';
import type { Command } from 'commander';
import { missingSetting } from '../config/resolve-config.js';
import { CliUsageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import type { CliContext } from './context.js';
import { withCredentialOptions } from './context.js';

/** The URL as it is signed: path and query, never scheme and host, exactly as it will be sent. */
export function signedUrl(url: string): string {
  const absolute = /^https?:\/\/[^/?#]*(.*)$/i.exec(url);
  const target = absolute ? absolute[1]! || '/' : url;
  if (!target.startsWith('/'))
    throw new CliUsageError(`URL must be absolute (https://…/v3/…) or a path (/v3/…), got "${url}"`);
  if (target.includes('#')) throw new CliUsageError('URL must not contain a fragment (#…): it is never sent');
  return target;
}

/** Makes every character that matters visible: `\n` ends each line, control characters are escaped. */
export function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, (character) => {
    switch (character) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

function explanation(
  output: Output,
  parts: Record<string, string>,
  message: string,
  signature: string,
  authorization: string,
) {
  const rows = (['method', 'url', 'timestamp', 'nonce', 'body'] as const).map(
    (name) => `  ${output.dim(name.padEnd(10))}${visible(parts[name]!)}${output.cyan('\\n')}`,
  );
  return [
    output.bold('String to sign') +
      output.dim(' (five lines, each ending in \\n; the body line is empty for GET):'),
    ...rows,
    '',
    `${output.bold('As one string')} ${output.dim(`(${Buffer.byteLength(message)} bytes, UTF-8):`)}`,
    `  ${visible(message)}`,
    '',
    `${output.bold('Signature')} ${output.dim('(SHA256withRSA, Base64):')}`,
    `  ${signature}`,
    '',
    output.bold('Authorization header:'),
    `  Authorization: ${authorization}`,
  ].join('\n');
}

export function registerSignCommand(program: Command, context: CliContext): void {
  withCredentialOptions(
    program
      .command('sign')
      .summary('sign a request and show the string to sign')
      .description(
        'Builds the APIv3 string to sign for a request, signs it with the merchant private key and prints the\n' +
          'Authorization header. With --explain, every line of the string to sign, escapes shown.',
      )
      .argument('<method>', 'HTTP method, e.g. GET or POST')
      .argument('<url>', 'https://api.mch.weixin.qq.com/v3/… or /v3/…, with its query string')
      .option('--explain', 'show the string to sign line by line')
      .option('--body <text|@file|->', 'request body exactly as it will be sent', '')
      .option('--timestamp <unix-seconds>', 'use this timestamp instead of now')
      .option('--nonce <nonce>', 'use this nonce instead of a random one'),
  )
    .addHelpText(
      'after',
      "\nExample (the published vector of WeChat Pay's signing guide):\n" +
        '  wxpay-kit sign --explain GET /v3/refund/domestic/refunds/123123123123 \\\n' +
        '    --timestamp 1554208460 --nonce 593BEC0C930BF1AFEB40B4A08C8FB242 \\\n' +
        '    --mchid 1900007291 --serial-no 408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB --private-key apiclient_key.pem',
    )
    .action(
      async (
        method: string,
        url: string,
        options: Record<string, string | boolean | undefined>,
        self: Command,
      ) => {
        const output = context.output(self);
        const config = context.config(self);
        const { mchid, serialNo, privateKey } = config.values;
        for (const [name, value] of Object.entries({ mchid, serialNo, privateKey })) {
          if (typeof value !== 'string') throw missingSetting(name as 'mchid', `sign needs ${name}`);
        }
        const timestamp =
          options['timestamp'] === undefined ? String(unixSeconds()) : String(options['timestamp']);
        if (!/^\d+$/.test(timestamp))
          throw new CliUsageError(`--timestamp takes Unix seconds, got "${timestamp}"`);
        const nonce = typeof options['nonce'] === 'string' ? options['nonce'] : generateNonce();
        const body = await context.readArgument(String(options['body'] ?? ''));
        const parts = { method: method.toUpperCase(), url: signedUrl(url), timestamp, nonce, body };
        const message = buildRequestSignMessage(parts).toString('utf8');
        const signature = await signSha256WithRsa(
          buildRequestSignMessage(parts),
          loadPrivateKey(privateKey as string, 'privateKey'),
        );
        const authorization = buildAuthorization({
          mchid: mchid as string,
          serialNo: serialNo as string,
          nonce,
          timestamp,
          signature,
        });
        const result = { ...parts, message, signature, authorization };
        output.result(result, () =>
          options['explain']
            ? explanation(output, parts, message, signature, authorization)
            : `Authorization: ${authorization}`,
        );
      },
    );
}
