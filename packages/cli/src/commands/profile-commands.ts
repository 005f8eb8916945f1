import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type Profile, profileFilePath, readProfileFile, writeProfileFile } from '../config/profile-file.js';
import { maskSecret, SETTINGS } from '../config/resolve-config.js';
import { CliUsageError, EmulatorUnreachableError } from '../exit-codes.js';
import type { CliContext } from './context.js';

/** Key and certificate paths are stored absolute, so the profile works from any directory. */
function keyReference(value: unknown): string {
  const text = String(value);
  return text.includes('-----BEGIN') ? text : resolve(text);
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface EmulatorMerchant {
  key: string;
  mchid: string;
  kind: string;
  name: string;
}

async function getJson(url: string, token: string | undefined): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(10_000),
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    });
  } catch (error) {
    throw new EmulatorUnreachableError(
      `cannot reach ${url}: ${(error as Error).cause ?? (error as Error).message} (is the emulator running?)`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    const hint = response.status === 401 ? ' (an emulator with --control-api open: pass --token)' : '';
    throw new CliUsageError(`${url} answered ${response.status}: ${text.slice(0, 200)}${hint}`);
  }
  return JSON.parse(text);
}

/** The emulator's callers as profiles: `<prefix><key>` (e.g. `emulator-merchant`), keys inline, file mode 0600. */
async function profilesFromEmulator(
  baseUrl: string,
  prefix: string,
  token: string | undefined,
): Promise<Record<string, Profile>> {
  const root = baseUrl.replace(/\/+$/, '');
  const { merchants } = (await getJson(`${root}/_emulator/merchants`, token)) as {
    merchants: EmulatorMerchant[];
  };
  const profiles: Record<string, Profile> = {};
  for (const merchant of merchants) {
    const options = (await getJson(
      `${root}/_emulator/merchants/${encodeURIComponent(merchant.key)}/client-options`,
      token,
    )) as {
      mchid: string;
      serialNo: string;
      privateKey: string;
      wechatpayPublicKey: { id: string; key: string };
      apiV3Key: string;
      baseUrl: string;
    };
    profiles[`${prefix}${merchant.key}`] = {
      mchid: options.mchid,
      serialNo: options.serialNo,
      privateKey: options.privateKey,
      wechatpayPublicKey: options.wechatpayPublicKey,
      apiV3Key: options.apiV3Key,
      baseUrl: options.baseUrl,
    };
  }
  return profiles;
}

function shown(profile: Profile): Record<string, unknown> {
  return {
    mchid: profile.mchid,
    serialNo: profile.serialNo,
    privateKey: profile.privateKey.includes('-----BEGIN')
      ? maskSecret(profile.privateKey)
      : profile.privateKey,
    ...(profile.wechatpayPublicKey
      ? {
          wechatpayPublicKey: {
            id: profile.wechatpayPublicKey.id,
            key: profile.wechatpayPublicKey.key.includes('-----BEGIN')
              ? '[PEM]'
              : profile.wechatpayPublicKey.key,
          },
        }
      : {}),
    ...(profile.platformCertificates ? { platformCertificates: profile.platformCertificates } : {}),
    ...(profile.apiV3Key ? { apiV3Key: maskSecret(profile.apiV3Key) } : {}),
    ...(profile.baseUrl ? { baseUrl: profile.baseUrl } : {}),
  };
}

export function registerProfileCommands(program: Command, context: CliContext): void {
  const profile = program
    .command('profile')
    .summary('manage merchant profiles (several merchants, one default)')
    .description(
      'manage merchant profiles (the profile file; WXPAY_KIT_CONFIG overrides its path)\n\n' +
        'Settings are read in this order, first wins: flags, environment variables, the profile\n' +
        "(--profile, else WXPAY_KIT_PROFILE, else the file's default).\n" +
        SETTINGS.map((s) => `  ${s.option.padEnd(34)}${s.env}`).join('\n'),
    );
  const path = () => profileFilePath(context.streams.env);

  profile
    .command('add')
    .summary("add a profile, or import the emulator's dev merchants")
    .argument('[name]', 'profile name (not with --from-emulator)')
    .option('--from-emulator <url>', 'import every caller of the emulator at this URL as <prefix><key>')
    .option('--prefix <prefix>', 'with --from-emulator: name prefix', 'emulator-')
    .option(
      '--token <token>',
      'with --from-emulator: bearer token of an emulator started with --control-api open (env WXPAY_KIT_EMULATOR_TOKEN)',
    )
    .option('--mchid <mchid>')
    .option('--serial-no <hex>')
    .option('--private-key <path>', 'path to apiclient_key.pem')
    .option('--public-key-id <id>')
    .option('--public-key <path>', 'path to the WeChat Pay public key (pub_key.pem)')
    .option(
      '--platform-certificate <path>',
      'a platform certificate (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--apiv3-key <key>')
    .option('--base-url <url>')
    .option('--default', 'make it the default profile')
    .addHelpText(
      'after',
      '\nExamples:\n  wxpay-kit profile add --from-emulator http://127.0.0.1:8787\n  wxpay-kit profile add shop --mchid 1900007291 --serial-no 408B… --private-key ./apiclient_key.pem \\\n    --public-key-id PUB_KEY_ID_01… --public-key ./pub_key.pem --apiv3-key … --default',
    )
    .action(async (name: string | undefined, options: Record<string, unknown>, self: Command) => {
      const output = context.output(self);
      const file = readProfileFile(path());
      let added: Record<string, Profile>;
      if (typeof options['fromEmulator'] === 'string') {
        if (name !== undefined)
          throw new CliUsageError('give either a profile name or --from-emulator, not both');
        const token =
          typeof options['token'] === 'string'
            ? options['token']
            : context.streams.env['WXPAY_KIT_EMULATOR_TOKEN'] || undefined;
        added = await profilesFromEmulator(options['fromEmulator'], String(options['prefix']), token);
      } else {
        if (name === undefined || !PROFILE_NAME.test(name)) {
          throw new CliUsageError(
            'profile add needs a name (letters, digits, ".", "_", "-"), or --from-emulator URL',
          );
        }
        for (const required of ['mchid', 'serialNo', 'privateKey'] as const) {
          if (typeof options[required] !== 'string') {
            throw new CliUsageError(
              `profile add needs --${required.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
            );
          }
        }
        if ((options['publicKeyId'] === undefined) !== (options['publicKey'] === undefined)) {
          throw new CliUsageError('--public-key-id and --public-key go together');
        }
        added = {
          [name]: {
            mchid: String(options['mchid']),
            serialNo: String(options['serialNo']),
            privateKey: keyReference(options['privateKey']),
            ...(options['publicKey']
              ? {
                  wechatpayPublicKey: {
                    id: String(options['publicKeyId']),
                    key: keyReference(options['publicKey']),
                  },
                }
              : {}),
            ...(options['platformCertificate']
              ? { platformCertificates: (options['platformCertificate'] as string[]).map(keyReference) }
              : {}),
            ...(options['apiv3Key'] ? { apiV3Key: String(options['apiv3Key']) } : {}),
            ...(options['baseUrl'] ? { baseUrl: String(options['baseUrl']) } : {}),
          },
        };
      }
      Object.assign(file.profiles, added);
      const names = Object.keys(added);
      if (options['default'] || file.default === undefined) file.default = names[0];
      writeProfileFile(path(), file);
      output.result(
        { added: names, default: file.default, file: path() },
        () =>
          `${output.green('✓')} added ${names.join(', ')} to ${path()}${file.default ? ` (default: ${file.default})` : ''}`,
      );
    });

  profile
    .command('list')
    .summary('list profiles')
    .action((_options: unknown, self: Command) => {
      const output = context.output(self);
      const file = readProfileFile(path());
      const rows = Object.entries(file.profiles).map(([name, p]) => ({
        name,
        default: name === file.default,
        mchid: p.mchid,
        baseUrl: p.baseUrl ?? 'https://api.mch.weixin.qq.com',
      }));
      output.result(rows, () =>
        rows.length === 0
          ? `no profiles in ${path()} (wxpay-kit profile add)`
          : rows
              .map(
                (r) =>
                  `${r.default ? output.green('*') : ' '} ${r.name.padEnd(28)}${r.mchid.padEnd(14)}${output.dim(r.baseUrl)}`,
              )
              .join('\n'),
      );
    });

  profile
    .command('show')
    .summary('show a profile (secrets hidden)')
    .argument('[name]', 'profile name (default: the default profile)')
    .action((name: string | undefined, _options: unknown, self: Command) => {
      const output = context.output(self);
      const file = readProfileFile(path());
      const chosen = name ?? file.default;
      const found = chosen === undefined ? undefined : file.profiles[chosen];
      if (found === undefined)
        throw new CliUsageError(chosen === undefined ? 'no default profile' : `no profile "${chosen}"`);
      output.result({ name: chosen, ...shown(found) });
    });

  profile
    .command('use')
    .summary('make a profile the default')
    .argument('<name>')
    .action((name: string, _options: unknown, self: Command) => {
      const file = readProfileFile(path());
      if (file.profiles[name] === undefined) throw new CliUsageError(`no profile "${name}"`);
      file.default = name;
      writeProfileFile(path(), file);
      context.output(self).result({ default: name }, () => `default profile: ${name}`);
    });

  profile
    .command('remove')
    .summary('remove a profile')
    .argument('<name>')
    .action((name: string, _options: unknown, self: Command) => {
      const file = readProfileFile(path());
      if (file.profiles[name] === undefined) throw new CliUsageError(`no profile "${name}"`);
      delete file.profiles[name];
      if (file.default === name) file.default = undefined;
      writeProfileFile(path(), file);
      context.output(self).result({ removed: name }, () => `removed ${name}`);
    });
}
