import { CliUsageError, EmulatorUnreachableError, isEmulatorRefusal } from '../exit-codes.js';

type ControlModule = typeof import('@wxpay-kit/emulator/control-client');
export type ControlClient = Awaited<ReturnType<ControlModule['connectEmulator']>>;

export const DEFAULT_EMULATOR_URL = 'http://127.0.0.1:8787';

/**
 * The emulator's typed control client, from the installed `@wxpay-kit/emulator` (an optional peer: a production
 * install of the CLI does not need it). Only this light module is loaded, not the server.
 */
export async function connect(url: string, token: string | undefined): Promise<ControlClient> {
  let module: ControlModule;
  try {
    module = await import('@wxpay-kit/emulator/control-client');
  } catch (error) {
    // Only a missing package means "install it"; an installed emulator that fails to load says why itself.
    if (!isMissingPackage(error)) throw error;
    throw new CliUsageError(
      'driving the emulator needs its package: npm install --save-dev @wxpay-kit/emulator',
    );
  }
  try {
    return await module.connectEmulator(url, token === undefined ? {} : { token });
  } catch (error) {
    // An emulator that answers and refuses (a wrong token) says so itself; only silence means "start it".
    if (isEmulatorRefusal(error)) throw error;
    throw new EmulatorUnreachableError(
      `${(error as Error).message} (start it with: wxpay-kit emulator start)`,
    );
  }
}

/** Node's answer when a package (or the export asked for) is not installed where the CLI can see it. */
export function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
}

/**
 * `key=value` (a string) and `key:=json` (a number, boolean, object…), as HTTPie spells them: an out-number such
 * as `out_bill_no=0012` stays a string, and `seconds:=3600` is a number.
 */
export function parseAssignments(assignments: readonly string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const json = /^([A-Za-z_][\w.-]*):=(.*)$/s.exec(assignment);
    const text = /^([A-Za-z_][\w.-]*)=(.*)$/s.exec(assignment);
    if (json) {
      try {
        fields[json[1]!] = JSON.parse(json[2]!);
      } catch {
        throw new CliUsageError(`${json[1]}:= takes JSON, got ${json[2]}`);
      }
    } else if (text) {
      fields[text[1]!] = text[2]!;
    } else {
      throw new CliUsageError(`"${assignment}" is not key=value (a string) or key:=json`);
    }
  }
  return fields;
}

/** The framework's own actions, beside each family's: name → what it does with the fields. */
export const FRAMEWORK_ACTIONS: Record<
  string,
  { summary: string; run(client: ControlClient, fields: Record<string, unknown>): Promise<unknown> }
> = {
  'clock.advance': {
    summary: 'move virtual time forward: seconds:=N, ms:=N or to=<RFC 3339>; runs what falls due',
    run: (client, fields) => client.clock.advance(fields as { seconds: number }),
  },
  'faults.add': {
    summary: 'the next calls fail: operation=transferBills.create status:=500 code=SYSTEM_ERROR [count:=N]',
    run: (client, fields) => client.faults.add(fields as never),
  },
  'faults.clear': { summary: 'remove every armed fault', run: (client) => client.faults.clear() },
  'notifications.redeliver': {
    summary: 'send a notification again now: id:=N',
    run: (client, fields) => {
      const id = fields['id'];
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
        throw new CliUsageError(
          `notifications.redeliver needs id:=<notification id>, got ${JSON.stringify(id)}`,
        );
      }
      return client.notifications.redeliver(id);
    },
  },
  reset: {
    summary: 'forget every resource, notification and request [clock:=true to reset virtual time too]',
    run: (client, fields) => client.reset(fields as { clock?: boolean }),
  },
};
