import { setTimeout as delay } from 'node:timers/promises';
import {
  type OperationName,
  type OperationSpec,
  operationNames,
  operations,
  WechatPay,
} from '@wxpay-kit/sdk';
import { type Command, Option } from 'commander';
import { clientOptions } from '../config/resolve-config.js';
import { CliUsageError } from '../exit-codes.js';
import {
  describeConstraints,
  type OperationField,
  operationFields,
  parseFlagValue,
} from '../operations/operation-fields.js';
import { waitForFinalState } from '../operations/wait-for-final-state.js';
import { type CliContext, readJsonObject, withCredentialOptions } from './context.js';

function fieldHelp(field: OperationField): string {
  const description = field.schema.description ?? '';
  const where = field.location === 'body' ? '' : `, in the ${field.location}`;
  return `${description} [${field.required ? 'required' : 'optional'}${where}; ${describeConstraints(field.schema)}]`;
}

/** The part of `--help` that commander does not generate: errors, rate limit, role, page. */
export function operationHelpFooter(spec: OperationSpec): string {
  const lines = [
    '',
    `${spec.method} ${spec.path}   (caller: ${spec.role})`,
    `Rate limit: ${spec.rateLimit.perSecond}/s per merchant, 429 ${spec.rateLimit.code} (${spec.rateLimit.source})`,
  ];
  if (spec.sensitive?.request?.length) {
    lines.push(`Encrypted for you before sending: ${spec.sensitive.request.join(', ')}`);
  }
  if (spec.docs) lines.push(`Page: ${spec.docs}`);
  lines.push('', 'Documented errors:');
  for (const error of spec.errors) {
    lines.push(
      `  ${String(error.status).padEnd(4)}${error.code.padEnd(28)}${error.description}${error.source === 'assumed' ? ' (assumed)' : ''}`,
    );
  }
  lines.push(
    '',
    'Objects and arrays take JSON (--field \'{"a":1}\'); --data takes the whole input as JSON, @file.json or - (stdin),',
    'and flags override its fields. Input is checked against the catalogue before anything is sent (exit 3).',
  );
  return lines.join('\n');
}

/** Flags (and `--data`) → the flat input the SDK method takes. */
async function collectInput(
  context: CliContext,
  fields: readonly OperationField[],
  options: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const input =
    typeof options['data'] === 'string' ? await readJsonObject(context, options['data'], '--data') : {};
  for (const field of fields) {
    const raw = options[field.name];
    if (typeof raw === 'string') input[field.name] = parseFlagValue(field, raw);
  }
  return input;
}

/** One command per catalogue operation, named as the SDK method (`transferBills.cancel`), flags from its schema. */
export function registerOperationCommands(program: Command, context: CliContext): void {
  for (const name of operationNames as readonly OperationName[]) {
    const spec = operations[name] as OperationSpec;
    const fields = operationFields(spec);
    const command = program
      .command(name)
      .summary(spec.summary)
      .description(`${spec.summary}\n\n${spec.description}`);
    for (const field of fields) {
      // Wire names as WeChat Pay spells them: --out_bill_no, not --out-bill-no.
      command.addOption(new Option(`--${field.name} <value>`, fieldHelp(field)));
    }
    command
      .option('--data <json|@file|->', 'the whole input as JSON; flags override its fields')
      .option('--wait', 'after the call, poll the resource until it reaches a final state')
      .option('--wait-until <states>', 'with --wait: stop at these comma-separated states instead')
      .option('--timeout <seconds>', 'with --wait: give up after this long (exit 8)', '60')
      .option('--interval <ms>', 'with --wait: time between queries', '1000');
    withCredentialOptions(command);
    command.addHelpText('after', operationHelpFooter(spec));
    command.action(async (options: Record<string, unknown>, self: Command) => {
      const output = context.output(self);
      const input = await collectInput(context, fields, options);
      const wxpay = new WechatPay(clientOptions(context.config(self)));
      const call = (operation: OperationName, operationInput: Record<string, unknown>) =>
        (wxpay as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[
          (operations[operation] as OperationSpec).family
        ]![(operations[operation] as OperationSpec).verb]!(operationInput);
      let result = await call(name, input);
      if (options['wait'] || options['waitUntil']) {
        const timeout = Number(options['timeout']);
        const interval = Number(options['interval']);
        if (!(timeout > 0) || !(interval > 0))
          throw new CliUsageError('--timeout and --interval must be positive numbers');
        const until =
          typeof options['waitUntil'] === 'string'
            ? options['waitUntil'].split(',').map((s) => s.trim())
            : undefined;
        result = await waitForFinalState(name, input, result, {
          timeoutMs: timeout * 1000,
          intervalMs: interval,
          until,
          call,
          progress: (line) => output.progress(output.dim(line)),
          sleep: (ms) => delay(ms),
          now: Date.now,
        });
        output.endProgress();
      }
      output.result(result ?? null);
    });
  }
}
