import { type HttpMethod, WechatPay } from '@wxpay-kit/sdk';
import type { Command } from 'commander';
import { clientOptions } from '../config/resolve-config.js';
import { CliUsageError } from '../exit-codes.js';
import { type CliContext, withCredentialOptions } from './context.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `key=value` pairs in the order given (the order is part of the signed URL). */
export function parseQueryPairs(pairs: readonly string[]): Record<string, string> {
  const query: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliUsageError(`--query takes key=value, got "${pair}"`);
    query[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return query;
}

export function registerRequestCommand(program: Command, context: CliContext): void {
  withCredentialOptions(
    program
      .command('request')
      .summary('call any APIv3 endpoint, signed and verified')
      .description(
        'Calls an endpoint the catalogue does not cover, with the same signing, verification, retries and errors\n' +
          'as the operation commands. The body is sent as given (and signed byte for byte).',
      )
      .argument('<method>', 'GET, POST, PUT, PATCH or DELETE')
      .argument('<path>', 'path such as /v3/certificates, without query string (use --query)')
      .option('--query <key=value>', 'a query parameter; repeat for more, in order', collect)
      .option('--data <json|@file|->', 'request body'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  wxpay-kit request GET /v3/certificates\n  wxpay-kit request GET /v3/bill/tradebill --query bill_date=2025-01-01',
    )
    .action(
      async (method: string, path: string, options: { query?: string[]; data?: string }, self: Command) => {
        const output = context.output(self);
        const body = options.data === undefined ? undefined : await context.readArgument(options.data);
        const wxpay = new WechatPay(clientOptions(context.config(self)));
        const result = await wxpay.request({
          method: method.toUpperCase() as HttpMethod,
          path,
          ...(options.query ? { query: parseQueryPairs(options.query) } : {}),
          ...(body !== undefined ? { body } : {}),
        });
        output.result(result ?? null);
      },
    );
}
