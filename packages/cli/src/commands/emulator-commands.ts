import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliUsageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import type { CliContext } from './context.js';
import {
  type ControlClient,
  connect,
  DEFAULT_EMULATOR_URL,
  FRAMEWORK_ACTIONS,
  isMissingPackage,
  parseAssignments,
} from './emulator-control.js';

/** The emulator's own CLI, from the installed `@wxpay-kit/emulator` (an optional peer: only this command needs it). */
function emulatorCliPath(): string {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve('@wxpay-kit/emulator'));
  } catch (error) {
    if (!isMissingPackage(error)) throw error;
    throw new CliUsageError(
      '`emulator start` needs the emulator package: npm install --save-dev @wxpay-kit/emulator (or npx @wxpay-kit/emulator)',
    );
  }
  return join(dirname(entry), entry.endsWith('.ts') ? 'cli.ts' : 'cli.js');
}

export function registerEmulatorCommands(program: Command, context: CliContext): void {
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

  const target = (command: Command) => {
    const options = command.optsWithGlobals() as { url?: string; token?: string };
    const env = context.streams.env;
    return {
      url: options.url ?? env['WXPAY_KIT_EMULATOR_URL'] ?? DEFAULT_EMULATOR_URL,
      token: options.token ?? env['WXPAY_KIT_EMULATOR_TOKEN'],
    };
  };
  const withTarget = (command: Command) =>
    command
      .option('--url <url>', `the emulator (env WXPAY_KIT_EMULATOR_URL, default ${DEFAULT_EMULATOR_URL})`)
      .option(
        '--token <token>',
        'bearer token of an emulator started with --control-api open (env WXPAY_KIT_EMULATOR_TOKEN)',
      );

  withTarget(
    emulator
      .command('trigger')
      .summary('act as the user or WeChat Pay: confirm, fail a payout, pay a recharge, advance the clock…')
      .description(
        'Runs a control action of the emulator: a family action (authorizations.confirm, transferBills.fail, …,\n' +
          'listed by --list) or clock.advance, faults.add, faults.clear, notifications.redeliver, reset.\n' +
          'Fields are key=value (a string) or key:=json (a number, boolean or object); path parameters such as\n' +
          'out_bill_no are fields too, and mchid is inferred where only one merchant can own the resource.',
      )
      .argument('[action]', 'e.g. transferBills.fail')
      .argument('[fields...]', 'key=value or key:=json')
      .option('--list', 'list the actions this emulator offers'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  wxpay-kit emulator trigger authorizations.confirm out_authorization_no=auth2025001\n' +
        '  wxpay-kit emulator trigger transferBills.fail mchid=1230000109 out_bill_no=plfk2020042013 fail_reason=ACCOUNT_FROZEN\n' +
        '  wxpay-kit emulator trigger clock.advance seconds:=86400',
    )
    .action(
      async (
        action: string | undefined,
        assignments: string[],
        options: { list?: boolean },
        self: Command,
      ) => {
        const output = context.output(self);
        const { url, token } = target(self);
        const client = await connect(url, token);
        const actions = await client.actions();
        if (options.list || action === undefined) {
          const rows = [
            ...actions.map((a) => ({
              action: `${a.family}.${a.name}`,
              actor: a.actor,
              fields: a.params,
              summary: a.summary,
            })),
            ...Object.entries(FRAMEWORK_ACTIONS).map(([name, a]) => ({
              action: name,
              actor: 'tester',
              fields: [],
              summary: a.summary,
            })),
          ];
          output.result(rows, () =>
            rows
              .map((r) => `${output.bold(r.action.padEnd(36))}${output.dim(r.actor.padEnd(8))}${r.summary}`)
              .join('\n'),
          );
          return;
        }
        const fields = parseAssignments(assignments);
        const framework = FRAMEWORK_ACTIONS[action];
        let result: unknown;
        if (framework) {
          result = await framework.run(client, fields);
        } else {
          const found = actions.find((a) => `${a.family}.${a.name}` === action);
          if (!found) {
            const names = [...actions.map((a) => `${a.family}.${a.name}`), ...Object.keys(FRAMEWORK_ACTIONS)];
            const close = names.filter((name) =>
              name.toLowerCase().includes(action.split('.').pop()!.toLowerCase()),
            );
            throw new CliUsageError(
              `no action "${action}"${close.length ? `; did you mean ${close.slice(0, 3).join(', ')}?` : ''} (see --list)`,
            );
          }
          const family = (
            client as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>
          )[found.family]!;
          try {
            result = await family[found.name]!(fields);
          } catch (error) {
            if (error instanceof TypeError) throw new CliUsageError(error.message);
            throw error;
          }
        }
        output.result(result);
      },
    );

  withTarget(
    emulator
      .command('tail')
      .summary('follow the request journal and notification attempts live')
      .description(
        'Prints each API call the emulator answers and each notification attempt as it happens, until Ctrl+C.',
      )
      .option('--interval <ms>', 'how often to look', '500'),
  ).action(async (options: { interval: string }, self: Command) => {
    const output = context.output(self);
    const { url, token } = target(self);
    const client = await connect(url, token);
    const interval = Number(options.interval);
    if (!(interval > 0)) throw new CliUsageError('--interval must be a positive number of milliseconds');
    let stopped = false;
    const stop = () => {
      stopped = true;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    output.note(output.dim(`following ${url} (Ctrl+C to stop)`));
    await follow(client, output, interval, () => stopped);
    process.exitCode = 0;
  });
}

/** Polls the journal and the outbox, printing what is new since the last look, oldest first. */
async function follow(client: ControlClient, output: Output, intervalMs: number, stopped: () => boolean) {
  let since = Date.now();
  const seenRequests = new Set<string>();
  const seenAttempts = new Map<number, number>();
  for (const notification of await client.notifications.list()) {
    seenAttempts.set(notification.id, (await client.notifications.get(notification.id)).attempts.length);
  }
  while (!stopped()) {
    const requests = await client.requests.list({ since });
    for (const row of [...requests].reverse()) {
      if (seenRequests.has(row.requestId)) continue;
      seenRequests.add(row.requestId);
      since = Math.max(since, Date.parse(row.time) - 1000);
      const line = `${row.time}  ${row.method} ${row.url} → ${row.status}${row.code ? ` ${row.code}` : ''}  ${row.operation ?? ''}  ${row.requestId}`;
      if (output.json) output.line(JSON.stringify({ type: 'request', ...row }));
      else output.line(row.status >= 400 ? output.red(line) : line);
      if (!output.json && row.signature)
        output.line(
          output.yellow(`    signature: ${row.signature.failedCheck}: ${row.signature.likelyCause}`),
        );
    }
    for (const notification of await client.notifications.list()) {
      const known = seenAttempts.get(notification.id) ?? 0;
      if (notification.attemptsMade === 0 && known === 0 && notification.state === 'pending') continue;
      const { attempts } = await client.notifications.get(notification.id);
      for (const attempt of attempts.slice(known)) {
        const line = `notification #${notification.id} ${notification.eventType} → ${notification.url}: ${attempt.httpStatus ?? attempt.error} (${attempt.kind}, attempt ${attempt.attemptNo})`;
        if (output.json)
          output.line(
            JSON.stringify({ type: 'notificationAttempt', eventType: notification.eventType, ...attempt }),
          );
        else output.line(attempt.ok ? output.green(line) : output.red(line));
      }
      seenAttempts.set(notification.id, attempts.length);
    }
    await delay(intervalMs);
  }
}
